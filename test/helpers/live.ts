import type { Client } from 'graphql-ws';
import type { TestHub } from './hub';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

/**
 * Polls until `predicate` holds; returns whether it held. `ms` only bounds a hang: on a busy
 * machine an event is late, not wrong, so no test should depend on how soon it comes.
 */
export async function waitFor(predicate: () => boolean | Promise<boolean>, ms = 60_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until && !(await predicate())) await new Promise((r) => setTimeout(r, 10));
  return predicate();
}

/** The hub's `ewc_subscriptions_open` gauge, read from its /metrics text. */
export function subscriptionsOpen(metrics: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith('ewc_subscriptions_open '));
  if (!line) throw new Error('no ewc_subscriptions_open in /metrics');
  return Number(line.split(' ')[1]);
}

/**
 * Starts subscriptions with `subscribe` and resolves once the hub serves `n` more of them.
 * graphql-ws acknowledges the connection, never a subscribe: the gauge is the only sign that an
 * event published from now on reaches the subscriber.
 */
export async function whenSubscribed(read: () => number | Promise<number>, n: number, subscribe: () => void | Promise<void>): Promise<void> {
  const before = await read();
  await subscribe();
  if (!(await waitFor(async () => (await read()) >= before + n))) throw new Error(`the hub never served ${n} more subscription(s)`);
}

/** Collects the events of one subscription; resolves once the hub serves it, fails if the socket closes first. */
export async function listen(t: TestHub, client: Client, query: string): Promise<Json[]> {
  const events: Json[] = [];
  let closed: { code?: number; reason?: string } | null = null;
  client.on('closed', (e) => (closed = e as { code?: number; reason?: string }));
  const open = () => {
    if (closed) throw new Error(`the socket closed before the subscription was served: ${closed.code} ${closed.reason}`);
    return t.subscriptionsOpen();
  };
  await whenSubscribed(open, 1, () => {
    client.subscribe({ query }, { next: (v) => events.push(v as Json), error: (e) => events.push({ error: e }), complete: () => undefined });
  });
  return events;
}
