import type pg from 'pg';
import { assertCanWrite, inScope, readInstitutions } from '../../access/guard';
import type { Principal } from '../../access/principal';
import { inTransaction } from '../../db/transaction';
import { ConflictError, ForbiddenError, DomainError, ValidationError, type FieldProblem } from '../../errors/domain-errors';
import { add, decimalOfNumber, formatDecimal, ZERO } from '../../figures/decimal';
import { toGlobalId } from '../../global-id';
import { markClosedYearDays, NO_CLOSED_YEAR_ROWS, type ClosedYearRows } from '../accounting/closed-years';
import { cliOperator } from '../audit/audit.scope';
import { loadReference } from '../factors/reference';
import { record, type ObjectChange } from '../audit/audit.service';
import { DISPOSITIONS, STREAMS, type RecyclingStream, type WasteDisposition } from './recycling.enums';
import { insertRecyclingRecords, lockInstitutions, storedRecyclingKeys } from './recycling.repository';

export const MAX_RECYCLING_ROWS = 10_000;
/** A thousand tonnes of one stream in a month is more than any institution sends: a larger figure is a typo (grams, a yearly total). */
export const MAX_KG = 1_000_000;
const MONTH = /^(\d{4})-(\d{2})-01$/;

/** A record checked on its own; ids are row ids. */
export interface RecyclingRow {
  institutionId: number;
  /** YYYY-MM-01. */
  month: string;
  stream: RecyclingStream;
  disposition: WasteDisposition;
  quantityKg: number;
}

/** What a batch did, and what subscribers hear once it is committed. */
export interface RecyclingIngestOutcome {
  accepted: number;
  duplicates: number;
  /** Per institution that got records: the local months (YYYY-MM-01). */
  changes: { institutionId: number; months: string[] }[];
  /** Records written in closed years, and which: pending recalculation there, as readings are. */
  closedYearRows: ClosedYearRows;
}

export interface RecyclingProblem extends FieldProblem {
  index: number;
  kind: 'invalid' | 'conflict' | 'forbidden';
}

/** The local month in the hub's time zone, YYYY-MM-01: records of a month not yet begun are refused. */
export function currentMonth(timezone: string, now = new Date()): string {
  return `${new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(now).slice(0, 7)}-01`;
}

/** Checks one row on its own: the GraphQL batch and the file import share it. */
export function recyclingRowProblems(r: Pick<RecyclingRow, 'month' | 'stream' | 'disposition' | 'quantityKg'>, thisMonth: string): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  const m = MONTH.exec(r.month);
  if (!m || Number(m[1]) < 2000 || Number(m[1]) > 2099 || Number(m[2]) < 1 || Number(m[2]) > 12) out.push({ field: 'month', message: 'the first day of a month between 2000 and 2099, YYYY-MM-01' });
  else if (r.month > thisMonth) out.push({ field: 'month', message: `${r.month.slice(0, 7)} has not begun` });
  if (!STREAMS.includes(r.stream)) out.push({ field: 'stream', message: `one of ${STREAMS.join(', ')}` });
  if (!DISPOSITIONS.includes(r.disposition)) out.push({ field: 'disposition', message: `one of ${DISPOSITIONS.join(', ')}` });
  if (!Number.isFinite(r.quantityKg) || r.quantityKg < 0) out.push({ field: 'quantityKg', message: 'must be a number of kg, 0 or more' });
  else if (r.quantityKg > MAX_KG) out.push({ field: 'quantityKg', message: `at most ${MAX_KG} kg of one stream in a month` });
  else if (!/^\d+(\.\d{1,3})?$/.test(String(r.quantityKg))) out.push({ field: 'quantityKg', message: 'at most 3 decimals' });
  return out;
}

const keyOf = (r: Pick<RecyclingRow, 'institutionId' | 'month' | 'stream' | 'disposition'>) => `${r.institutionId}|${r.month}|${r.stream}|${r.disposition}`;

/**
 * Writes a batch of records all or nothing, in the caller's transaction: rows checked against their
 * institutions (visible, writable), each other and the stored records. A row equal to a stored one
 * is a duplicate; one with the same key and another quantity is a conflict. Returns the problems
 * instead of writing when there are any.
 */
export async function applyRecyclingRows(
  client: pg.ClientBase,
  actor: Principal | null,
  rows: RecyclingRow[],
  submittedBy: string,
  closedYears: ReadonlySet<number>,
): Promise<{ problems: RecyclingProblem[]; result: RecyclingIngestOutcome }> {
  const problems: RecyclingProblem[] = [];
  const bad = (index: number, field: string, message: string, kind: RecyclingProblem['kind'] = 'invalid') => problems.push({ index, field, message, kind });
  const empty = { problems, result: { accepted: 0, duplicates: 0, changes: [], closedYearRows: NO_CLOSED_YEAR_ROWS } };
  const existing = await lockInstitutions(client, [...new Set(rows.map((r) => r.institutionId))]);
  const scope = actor ? readInstitutions(actor, 'recycling') : { kind: 'all' as const };
  const seen = new Map<string, number>();
  rows.forEach((r, index) => {
    if (!existing.has(r.institutionId) || !scope || !inScope(scope, r.institutionId)) return bad(index, 'institutionId', 'no institution with this id that this key can see');
    if (actor) {
      try {
        assertCanWrite(actor, 'recycling', r.institutionId);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        return bad(index, 'institutionId', 'this key may not write recycling records of this institution', 'forbidden');
      }
    }
    const k = keyOf(r);
    if (seen.has(k)) bad(index, 'stream', `repeats row ${seen.get(k)} (same institution, month, stream and disposition)`);
    else seen.set(k, index);
  });
  if (problems.length) return empty;

  const stored = await storedRecyclingKeys(client, rows);
  const fresh: RecyclingRow[] = [];
  let duplicates = 0;
  rows.forEach((r, index) => {
    const s = stored.get(keyOf(r));
    if (s === undefined) fresh.push(r);
    else if (Number(s) === r.quantityKg) duplicates++;
    else bad(index, 'quantityKg', `${r.quantityKg} differs from the stored ${Number(s)} kg (a record already stored with another quantity)`, 'conflict');
  });
  if (problems.length) return empty;
  if (!fresh.length) return { problems, result: { accepted: 0, duplicates, changes: [], closedYearRows: NO_CLOSED_YEAR_ROWS } };

  await insertRecyclingRecords(client, fresh, submittedBy);
  // As readings into a closed year: stored, and the year marked pending until GOA recalculates it.
  const closedYearRows = await markClosedYearDays(closedYears, client, fresh.map((r) => r.month));
  const months = new Map<number, Set<string>>();
  for (const r of fresh) months.set(r.institutionId, (months.get(r.institutionId) ?? new Set<string>()).add(r.month));
  await record(client, { actor: actor ?? cliOperator(), changes: recyclingChanges(fresh, duplicates), institutionIds: [...months.keys()] });
  return {
    problems,
    result: {
      accepted: fresh.length,
      duplicates,
      changes: [...months].map(([institutionId, set]) => ({ institutionId, months: [...set].sort() })).sort((a, b) => a.institutionId - b.institutionId),
      closedYearRows,
    },
  };
}

/** One change per institution on the audit trail: a summary of the records added, not one entry per row. */
function recyclingChanges(fresh: RecyclingRow[], duplicates: number): ObjectChange[] {
  const byInstitution = new Map<number, RecyclingRow[]>();
  for (const r of fresh) byInstitution.set(r.institutionId, [...(byInstitution.get(r.institutionId) ?? []), r]);
  return [...byInstitution].map(([id, list]) => ({
    object: toGlobalId('Institution', id),
    type: 'Institution',
    action: 'update',
    fields: {
      recyclingRecordsAdded: {
        before: null,
        after: {
          count: list.length,
          duplicatesInBatch: duplicates,
          months: [...new Set(list.map((r) => r.month))].sort(),
          totalKg: formatDecimal(list.reduce((a, r) => add(a, decimalOfNumber(r.quantityKg, 'quantityKg')), ZERO)),
        },
      },
    },
  }));
}

/** The GraphQL batch: its problems become one error (BAD_USER_INPUT, CONFLICT or FORBIDDEN) naming rows. */
export async function ingestRecyclingBatch(pool: pg.Pool, principal: Principal, rows: RecyclingRow[]): Promise<RecyclingIngestOutcome> {
  // Read before the transaction takes its connection (see closedSpans).
  const { closedYears } = await loadReference(pool);
  return inTransaction(pool, async (client) => {
    const { problems, result } = await applyRecyclingRows(client, principal, rows, principal.keyName, closedYears);
    if (problems.length) throw errorOf(problems);
    return result;
  });
}

function errorOf(problems: RecyclingProblem[]): Error {
  const of = (kind: RecyclingProblem['kind']) => problems.filter((p) => p.kind === kind).map(({ index, field, message }) => ({ index, field, message }));
  const invalid = of('invalid');
  if (invalid.length) return new ValidationError(invalid);
  const forbidden = of('forbidden').map((p) => p.index);
  if (forbidden.length) return new ForbiddenError(`this key may not write recycling records of the institutions in rows ${forbidden.slice(0, 10).join(', ')}${forbidden.length > 10 ? ', …' : ''}`, { rows: forbidden });
  const conflicts = of('conflict');
  return new ConflictError(ValidationError.summarise(conflicts).replace('Invalid input', 'Records already stored with other quantities'), { problems: conflicts });
}
