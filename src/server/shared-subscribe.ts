import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Principal } from '../access/principal';
import { createLoaders } from '../graphql/loaders';
import type { Context } from '../graphql/context';

/**
 * graphql-ws `subscribe` that executes each event once per selection and access profile, and
 * shares the result among every subscriber with the same two. A thousand dashboards on one topic
 * then cost a handful of executions per event, not a thousand. Results depend only on the event,
 * the operation and what the key may see, so subscribers with an equal profile get equal results.
 */
const shared = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

function eventContext(ctx: Context): Context {
  const em = ctx.db.orm.em.fork();
  return { ...ctx, em, loaders: createLoaders(ctx.db, ctx.principal) };
}

function profileOf(p: Principal): string {
  return [p.subject, p.role, p.agencyCode, p.institutionId, p.escoId, (p.siteIds ?? []).join('.')].join('|');
}

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return typeof x === 'object' && x !== null && Symbol.asyncIterator in x;
}

export async function sharedSubscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source as ExecutionResult;
  const stream = source[Symbol.asyncIterator]();
  const key = `${print(args.document)}|${args.operationName ?? ''}|${JSON.stringify(args.variableValues ?? {})}|${profileOf((args.contextValue as Context).principal)}`;
  const run = (payload: unknown): Promise<ExecutionResult> => {
    // Each event runs with its own EntityManager and loaders: one kept for the subscription's life
    // answers from its identity map, so an event would carry the rows as the first event loaded
    // them (a contract moved three times read SIGNED three times), not the state after the change.
    const once = () => Promise.resolve(execute({ ...args, contextValue: eventContext(args.contextValue as Context), rootValue: payload }));
    if (typeof payload !== 'object' || payload === null) return once();
    const byKey = shared.get(payload) ?? new Map<string, Promise<ExecutionResult>>();
    shared.set(payload, byKey);
    let result = byKey.get(key);
    if (!result) {
      result = once();
      byKey.set(key, result);
    }
    return result;
  };
  // A hand-written iterator, not an async generator: return() must reach the source at once,
  // even while it waits for the next event, so the subscription is released when the client leaves.
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    [Symbol.asyncIterator]: () => iterator,
    next: async () => {
      const r = await stream.next();
      return r.done ? { value: undefined, done: true } : { value: await run(r.value), done: false };
    },
    return: async () => {
      await stream.return?.();
      return { value: undefined, done: true };
    },
    throw: async (err: unknown) => {
      await stream.return?.();
      throw err;
    },
  };
  return iterator;
}
