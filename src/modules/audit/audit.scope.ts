import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { Principal } from '../../access/principal';

/**
 * Where a change comes from: the request id and the operation (a mutation's field name,
 * `POST /import/readings`, `cli:import readings`). Set once by whoever starts the work, so every
 * service below it records with the same id without passing it through each signature.
 */
export interface AuditScope {
  requestId: string;
  operation: string;
  /** Events recorded so far in this scope. */
  recorded: number;
}

const storage = new AsyncLocalStorage<AuditScope>();

export function runAudited<T>(scope: { requestId: string; operation: string }, fn: () => T): T {
  return storage.run({ ...scope, recorded: 0 }, fn);
}

export function currentAuditScope(): AuditScope | undefined {
  return storage.getStore();
}

/** A CLI command's scope: its own request id and `cli:<command>` as the operation. */
export function cliScope(command: string): { requestId: string; operation: string } {
  return { requestId: `cli-${randomUUID()}`, operation: `cli:${command}` };
}

/** The operator at the hub's shell: GOA's rights, no key (key id null on the trail). */
export function cliOperator(): Principal {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch (err) {
    // no passwd entry (containers): keep "unknown"
    if (typeof (err as NodeJS.ErrnoException).code !== 'string') throw err;
  }
  return { keyId: 0, keyName: `cli (${user}@${os.hostname()})`, role: 'admin', subject: 'GOA', agencyCode: 'GOA', institutionId: null, escoId: null };
}

/**
 * Runs every root mutation field in an audit scope named after the field, with the request's id
 * (from the context). Queries are untouched, so reads pay nothing for it.
 */
export function scopeMutations(schema: GraphQLSchema): GraphQLSchema {
  const fields = schema.getMutationType()?.getFields() ?? {};
  for (const field of Object.values(fields)) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context: { requestId?: string }, info) =>
      runAudited({ requestId: context.requestId ?? randomUUID(), operation: info.fieldName }, () => resolve(source, args, context, info));
  }
  return schema;
}
