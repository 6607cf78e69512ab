/**
 * A cache of at most `max` entries: adding one more drops the least recently used (a hit counts as
 * a use). For memo tables of pure work (parsed documents, fitted models) that must not grow
 * without bound in a long-running hub.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value kept for `key`, or the one `compute` makes now (kept for next time). */
  getOrCompute(key: K, compute: () => V): V {
    if (this.entries.has(key)) {
      const hit = this.entries.get(key) as V;
      // A Map iterates in insertion order: moved to the end, the entry is the last to go.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = compute();
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, value);
    return value;
  }
}
