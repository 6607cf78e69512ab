/** Passes on only the items that match; closing the result closes the source. */
export function filterIterable<T>(source: AsyncIterable<unknown>, keep: (item: T) => boolean): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const it = source[Symbol.asyncIterator]();
      return {
        async next(): Promise<IteratorResult<T>> {
          for (;;) {
            const r = await it.next();
            if (r.done) return { value: undefined, done: true };
            if (keep(r.value as T)) return { value: r.value as T, done: false };
          }
        },
        async return(): Promise<IteratorResult<T>> {
          await it.return?.();
          return { value: undefined, done: true };
        },
      };
    },
  };
}
