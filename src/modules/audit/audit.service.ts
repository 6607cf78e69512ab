import { Reference, type AnyEntity, type EntityMetadata } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { Principal } from '../../access/principal';
import { toGlobalId } from '../../global-id';
import { inTransaction } from '../../db/transaction';
import { insertEvent } from './audit.repository';
import { currentAuditScope } from './audit.scope';

/** One field of one object: its value before the change (null for a new object) and after. */
export interface FieldChange {
  before: unknown;
  after: unknown;
}

export interface ObjectChange {
  /** Global id of the object (a Relay id). */
  object: string;
  type: string;
  action: 'create' | 'update' | 'delete';
  fields: Record<string, FieldChange>;
}

export interface AuditEventInput {
  /** Who made the change: the key's holder (the CLI records `cliOperator()`). */
  actor: Principal;
  changes: ObjectChange[];
  /** Institutions and ESCOs whose objects changed: they may read the event. */
  institutionIds?: number[];
  escoIds?: number[];
}

/** A transaction: a pg client inside BEGIN, or an EntityManager with a transaction begun. */
export type AuditTx = pg.ClientBase | EntityManager;

const unique = (xs: number[] | undefined) => [...new Set((xs ?? []).filter((x) => Number.isInteger(x)))];

/**
 * Writes one append-only audit event in the caller's transaction, so the event and the change
 * commit or roll back together. The request id and operation come from the audit scope.
 */
export async function record(tx: AuditTx, event: AuditEventInput): Promise<void> {
  const scope = currentAuditScope();
  // A change with no scope would be an anonymous event: refuse it rather than lose who made it.
  if (!scope) throw new Error('audit: a change was made outside an audit scope (runAudited)');
  const p = event.actor;
  const params = [
    p.keyId || null, p.keyName, p.subject, p.role, p.institutionId, p.escoId, scope.requestId, scope.operation,
    JSON.stringify(event.changes.map((c) => c.object)), JSON.stringify(unique(event.institutionIds)), JSON.stringify(unique(event.escoIds)),
    JSON.stringify(event.changes),
  ];
  await insertEvent(tx, params);
  scope.recorded++;
}

/** Bookkeeping columns, and secrets (a key's hash): not part of what a user changed. */
const SKIPPED = new Set(['updatedAt', 'hash']);

/** A value as JSON keeps it: dates as ISO strings, references as their ids. */
function plain(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Reference.isReference(value)) return (value as unknown as { id?: unknown }).id ?? null;
  return value;
}

function idOf(entity: AnyEntity, meta: EntityMetadata): string | number {
  return (entity as Record<string, string | number>)[meta.primaryKeys[0]];
}

/** The institutions and ESCOs an object belongs to, following its contract or case when it has one. */
function ownersOf(entity: AnyEntity | null | undefined, className: string, out: { institutions: number[]; escos: number[] }, depth = 0): void {
  if (!entity || depth > 2) return;
  const e = entity as Record<string, unknown>;
  if (className === 'Institution') out.institutions.push(Number(e.id));
  if (className === 'Esco') out.escos.push(Number(e.id));
  const refId = (v: unknown) => (v ? Number((v as { id?: unknown }).id) : NaN);
  if (e.institution) out.institutions.push(refId(e.institution));
  if (e.esco) out.escos.push(refId(e.esco));
  for (const [prop, cls] of [['contract', 'EpcContract'], ['rectificationCase', 'RectificationCase']] as const) {
    if (e[prop]) ownersOf(Reference.unwrapReference(e[prop] as AnyEntity), cls, out, depth + 1);
  }
}

interface Pending {
  entity: AnyEntity;
  meta: EntityMetadata;
  action: ObjectChange['action'];
  fields: Record<string, FieldChange>;
}

/** What the unit of work is about to write, field by field, before it is flushed. */
function pendingChanges(em: EntityManager): Pending[] {
  const uow = em.getUnitOfWork();
  uow.computeChangeSets();
  return uow.getChangeSets().map((cs) => {
    const before = (cs.originalEntity ?? {}) as Record<string, unknown>;
    const after = cs.payload as Record<string, unknown>;
    const action = cs.type.startsWith('create') ? 'create' : cs.type.startsWith('delete') ? 'delete' : 'update';
    const fields: Record<string, FieldChange> = {};
    const names = action === 'delete' ? Object.keys(before) : Object.keys(after);
    for (const name of names) {
      if (SKIPPED.has(name) || cs.meta.primaryKeys.includes(name)) continue;
      fields[name] = { before: action === 'create' ? null : plain(before[name]), after: action === 'delete' ? null : plain(after[name]) };
    }
    return { entity: cs.entity, meta: cs.meta as EntityMetadata, action, fields };
  });
}

/**
 * Flushes the EntityManager and records what the flush changed (every object, every field before
 * and after) as one event, in one transaction: its own, or the one the caller began.
 */
export async function flushAudited(em: EntityManager, actor: Principal, extra: { institutionIds?: number[]; escoIds?: number[]; changes?: ObjectChange[] } = {}): Promise<void> {
  const write = async (): Promise<void> => {
    const pending = pendingChanges(em);
    await em.flush();
    // `extra.changes`: what the same operation wrote by SQL beside the entities (one event per operation).
    if (pending.length || extra.changes?.length) {
      const owners = { institutions: [...(extra.institutionIds ?? [])], escos: [...(extra.escoIds ?? [])] };
      const changes = pending.map((p) => {
        ownersOf(p.entity, p.meta.className, owners);
        return { object: toGlobalId(p.meta.className, idOf(p.entity, p.meta)), type: p.meta.className, action: p.action, fields: p.fields };
      });
      changes.push(...(extra.changes ?? []));
      await record(em, { actor, changes, institutionIds: owners.institutions, escoIds: owners.escos });
    }
  };
  if (em.isInTransaction()) await write();
  else await forgetOnRollback(em, () => inTransaction(em, write));
}

/** Runs `fn` (a transaction); when it rolls back, what was changed in memory was not written: forget it, so a later flush cannot write it. */
async function forgetOnRollback<T>(em: EntityManager, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    em.clear();
    throw err;
  }
}

/**
 * Runs `fn` in a transaction on `em` (for reads that lock), then flushes and records what it
 * changed; all of it commits together or not at all.
 */
export async function auditedTransaction<T>(em: EntityManager, actor: Principal, fn: () => Promise<T>): Promise<T> {
  return forgetOnRollback(em, () =>
    inTransaction(em, async () => {
      const result = await fn();
      await flushAudited(em, actor);
      return result;
    }),
  );
}

/** Corrections listed value by value in a batch's event; beyond this, only their count. */
const LISTED_CORRECTIONS = 100;

/**
 * A readings batch as one change: a summary (batch, meters, row counts, span), not a before and
 * after per reading. Corrections (values replaced) are listed while there are few of them.
 */
export function batchChange(batch: {
  batchId: number;
  source: string;
  meterIds: number[];
  accepted: number;
  duplicates: number;
  corrected: number;
  periodStart: Date;
  periodEnd: Date;
  corrections?: { meterId: number; periodStart: Date; periodEnd: Date; before: number; after: number }[];
}): ObjectChange {
  const created = (after: unknown): FieldChange => ({ before: null, after });
  const fields: Record<string, FieldChange> = {
    source: created(batch.source),
    meters: created([...new Set(batch.meterIds)].sort((a, b) => a - b).map((id) => toGlobalId('Meter', id))),
    accepted: created(batch.accepted),
    duplicates: created(batch.duplicates),
    corrected: created(batch.corrected),
    periodStart: created(batch.periodStart.toISOString()),
    periodEnd: created(batch.periodEnd.toISOString()),
  };
  const corrections = batch.corrections ?? [];
  if (corrections.length && corrections.length <= LISTED_CORRECTIONS) {
    for (const c of corrections) {
      fields[`value[${toGlobalId('Meter', c.meterId)} ${c.periodStart.toISOString()}/${c.periodEnd.toISOString()}]`] = { before: c.before, after: c.after };
    }
  }
  return { object: toGlobalId('ReadingBatch', batch.batchId), type: 'ReadingBatch', action: 'create', fields };
}
