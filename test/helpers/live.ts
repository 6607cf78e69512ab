import type { Client } from 'graphql-ws';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Collects the events of one subscription; resolves once the server has it. */
export async function listen(client: Client, query: string): Promise<Json[]> {
  const events: Json[] = [];
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', reject);
    client.subscribe({ query }, { next: (v) => events.push(v as Json), error: (e) => events.push({ error: e }), complete: () => undefined });
  });
  await new Promise((r) => setTimeout(r, 100));
  return events;
}

/** Polls until `predicate` holds or `ms` pass; returns whether it held. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, ms = 2000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until && !(await predicate())) await new Promise((r) => setTimeout(r, 10));
  return predicate();
}
