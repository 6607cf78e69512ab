import type pg from 'pg';
import type { Principal } from '../../access/principal';
import { ConflictError, ForbiddenError, Problems, ValidationError, type FieldProblem } from '../../errors/domain-errors';
import { canReadMeter, meterResource } from './meter-scope';
import { assertCanWrite } from '../../access/guard';
import { Carrier, MeterUnit, ReadingQuality } from './metering.enums';
import { BatchSource } from './reading-batch.entity';
import { ensureReadingPartitions } from './partitions';
import { lockMeters, storedAround, writeBatch, type ExistingRow, type MeterRow } from './metering.repository';
import { inTransaction } from '../../db/transaction';
import { batchChange, record } from '../audit/audit.service';
import { afterIngest, type AfterIngestScope } from '../accounting/after-ingest';
import { closedSpans, markClosedYearRows, NO_CLOSED_YEAR_ROWS, type ClosedYearRows } from '../accounting/closed-years';

export const MAX_BATCH_ROWS = 10_000;

/** Readings written by this process (new and corrected), for /metrics. */
export const ingestStats = { rows: 0 };
/** Longer than any bill period; a longer span is almost always a typo in a date. */
const MAX_PERIOD_MS = 366 * 24 * 3600 * 1000;
/** Readings are stored in monthly partitions; a date outside this century is a typo, not a month to create. */
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/** Why a period is not acceptable, or null: shared by GraphQL batches and file imports. */
export function periodProblem(start: Date, end: Date): { field: 'periodStart' | 'periodEnd'; message: string } | null {
  if (start.getTime() < EARLIEST || start.getTime() >= LATEST) return { field: 'periodStart', message: 'must be between 2000-01-01 and 2099-12-31' };
  if (start.getTime() >= end.getTime()) return { field: 'periodEnd', message: 'must be after the start' };
  if (end.getTime() - start.getTime() > MAX_PERIOD_MS) return { field: 'periodEnd', message: 'a reading may span at most 366 days' };
  return null;
}

export interface IngestRow {
  meterId: number;
  periodStart: Date;
  periodEnd: Date;
  value: number;
  quality: ReadingQuality;
  correction: boolean;
}

/** What subscribers hear after a commit: one event per meter whose readings changed. */
export interface ReadingsIngestedPayload {
  meterId: number;
  institutionId: number;
  carrier: Carrier;
  unit: MeterUnit;
  batchId: number;
  rows: number;
  periodStart: Date;
  periodEnd: Date;
  total: number;
  committedAt: Date;
}

export interface IngestResult {
  batchId: number | null;
  accepted: number;
  duplicates: number;
  corrected: number;
  events: ReadingsIngestedPayload[];
  /** Local months (YYYY-MM-01) whose rollups the batch changed. */
  refreshedMonths: string[];
  /** Rows added or corrected in closed years, and which: pending recalculation there. */
  closedYearRows: ClosedYearRows;
}

const keyOf = (meterId: number, start: Date, end: Date) => `${meterId}|${start.getTime()}|${end.getTime()}`;

/** Why one row is not acceptable on its own (its meter aside), field by field: shared by GraphQL batches and their decoding. */
export function readingRowProblems(row: Pick<IngestRow, 'periodStart' | 'periodEnd' | 'value'>): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  const start = row.periodStart;
  const end = row.periodEnd;
  if (!(start instanceof Date) || Number.isNaN(start.getTime())) out.push({ field: 'periodStart', message: 'not a valid date-time' });
  if (!(end instanceof Date) || Number.isNaN(end.getTime())) out.push({ field: 'periodEnd', message: 'not a valid date-time' });
  else if (start instanceof Date && !Number.isNaN(start.getTime())) {
    const p = periodProblem(start, end);
    if (p) out.push(p);
  }
  if (typeof row.value !== 'number' || !Number.isFinite(row.value)) out.push({ field: 'value', message: 'must be a finite number' });
  else if (row.value < 0) out.push({ field: 'value', message: 'must not be negative (consumption over the period, not a meter index)' });
  return out;
}

/** Within the batch: the same period twice, or periods of one meter that overlap, would double count. */
function checkWithinBatch(parsed: IngestRow[]): void {
  const problems = new Problems();
  const order = parsed.map((_, i) => i).sort((a, b) => parsed[a].meterId - parsed[b].meterId || parsed[a].periodStart.getTime() - parsed[b].periodStart.getTime());
  for (let k = 1; k < order.length; k++) {
    const prev = parsed[order[k - 1]];
    const cur = parsed[order[k]];
    if (prev.meterId !== cur.meterId) continue;
    if (keyOf(prev.meterId, prev.periodStart, prev.periodEnd) === keyOf(cur.meterId, cur.periodStart, cur.periodEnd)) {
      problems.add('periodStart', `repeats row ${order[k - 1]} (same meter and period)`, order[k]);
    } else if (cur.periodStart.getTime() < prev.periodEnd.getTime()) {
      problems.add('periodStart', `overlaps row ${order[k - 1]} of the same meter`, order[k]);
    }
  }
  problems.throwIfAny();
}

export class IngestService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly principal: Principal,
    private readonly timezone: string,
    private readonly source: BatchSource = BatchSource.GRAPHQL,
  ) {}

  /** A GraphQL batch: stored, then announced once committed (readings events, indicators, compliance checks). */
  async ingestAndAnnounce(rows: IngestRow[], after: AfterIngestScope): Promise<IngestResult> {
    const result = await this.ingest(rows);
    await afterIngest(after, result.events, result.refreshedMonths);
    return result;
  }

  /** A batch of rows each checked on its own (`readingRowProblems`, meters decoded): checked against each other, then stored. */
  async ingest(rows: IngestRow[]): Promise<IngestResult> {
    checkWithinBatch(rows);
    const meterIds = [...new Set(rows.map((r) => r.meterId))];
    const starts = rows.map((r) => r.periodStart.getTime());
    const first = new Date(starts.reduce((a, b) => Math.min(a, b)));
    const last = new Date(starts.reduce((a, b) => Math.max(a, b)));
    await ensureReadingPartitions(this.pool, first, last);
    const spans = await closedSpans(this.pool, this.timezone);
    const applied = await inTransaction(this.pool, async (client) => {
      // Locks the meters so two batches for one meter apply one after the other.
      const meterById = new Map((await lockMeters(client, meterIds)).map((m) => [m.id, m]));
      this.checkMeters(rows, meterById);

      const stored = await storedAround(client, rows);
      const existingByKey = new Map(stored.map((e) => [keyOf(e.meter_id, e.period_start, e.period_end), e]));

      const fresh: IngestRow[] = [];
      const corrections: { row: IngestRow; old: ExistingRow }[] = [];
      const conflicts: FieldProblem[] = [];
      let duplicates = 0;
      rows.forEach((row, index) => {
        const old = existingByKey.get(keyOf(row.meterId, row.periodStart, row.periodEnd));
        if (!old) fresh.push(row);
        else if (old.value === row.value && (!row.correction || old.quality === row.quality)) duplicates++;
        else if (row.correction) corrections.push({ row, old });
        else conflicts.push({ index, field: 'value', message: `${row.value} differs from the stored ${old.value}; send correction: true to replace it` });
      });
      if (conflicts.length) throw new ConflictError(ValidationError.summarise(conflicts).replace('Invalid input', 'Readings already stored with other values'), { problems: conflicts });
      checkOverlaps(stored, fresh, rows);

      if (!fresh.length && !corrections.length) {
        return { batchId: null, accepted: 0, duplicates, corrected: 0, refreshedMonths: [], closedYearRows: NO_CLOSED_YEAR_ROWS, touched: [], meterById };
      }
      // The batch, its new readings, its corrections and its share of the rollups: one statement.
      const touched = [...fresh, ...corrections.map((c) => c.row)];
      const written = await writeBatch(client, {
        source: this.source, keyId: this.principal.keyId || null, submittedBy: this.principal.keyName, duplicates, fresh, corrections, timezone: this.timezone,
      });
      const { batchId } = written;
      const refreshed = { months: written.months };
      const closedYearRows = await markClosedYearRows(spans, client, touched.map((r) => ({ start: r.periodStart, end: r.periodEnd })));
      await record(client, {
        actor: this.principal,
        changes: [
          batchChange({
            batchId, source: this.source, meterIds: touched.map((r) => r.meterId), accepted: fresh.length, duplicates, corrected: corrections.length,
            periodStart: new Date(Math.min(...touched.map((r) => r.periodStart.getTime()))),
            periodEnd: new Date(Math.max(...touched.map((r) => r.periodEnd.getTime()))),
            corrections: corrections.map((c) => ({ meterId: c.row.meterId, periodStart: c.row.periodStart, periodEnd: c.row.periodEnd, before: c.old.value, after: c.row.value })),
          }),
        ],
        institutionIds: touched.map((r) => meterById.get(r.meterId)!.institution_id),
      });
      return { refreshedMonths: refreshed.months, closedYearRows, batchId, accepted: fresh.length, duplicates, corrected: corrections.length, touched, meterById };
    });
    // Once committed: subscribers hear only of readings that are stored.
    const { touched, meterById, ...result } = applied;
    const committedAt = new Date();
    ingestStats.rows += touched.length;
    return { ...result, events: result.batchId === null ? [] : eventsFor(touched, meterById, result.batchId, committedAt) };
  }

  private checkMeters(rows: IngestRow[], meterById: Map<number, MeterRow>): void {
    const problems = new Problems();
    const forbidden: number[] = [];
    rows.forEach((row, index) => {
      const meter = meterById.get(row.meterId);
      const visible = meter && canReadMeter(this.principal, { carrier: meter.carrier, institutionId: meter.institution_id });
      if (!meter || !visible) {
        problems.add('meterId', 'no meter with this id that this key can see', index);
        return;
      }
      try {
        assertCanWrite(this.principal, meterResource(meter.carrier), meter.institution_id);
      } catch (err) {
        if (!(err instanceof ForbiddenError)) throw err;
        forbidden.push(index);
      }
    });
    problems.throwIfAny();
    if (forbidden.length) {
      const shown = forbidden.slice(0, 10).join(', ') + (forbidden.length > 10 ? ', …' : '');
      throw new ForbiddenError(`this key may not write readings of the meters in rows ${shown}`, { rows: forbidden });
    }
  }
}

/**
 * A new reading may not overlap a stored one of the same meter with other bounds. Stored readings
 * never overlap each other, so only the last one starting before the new end can.
 */
function checkOverlaps(stored: ExistingRow[], fresh: IngestRow[], all: IngestRow[]): void {
  if (!fresh.length || !stored.length) return;
  const byMeter = new Map<number, ExistingRow[]>();
  for (const r of stored) byMeter.set(r.meter_id, [...(byMeter.get(r.meter_id) ?? []), r]);
  for (const list of byMeter.values()) list.sort((a, b) => a.period_start.getTime() - b.period_start.getTime());
  const problems = new Problems();
  fresh.forEach((row) => {
    const list = byMeter.get(row.meterId);
    if (!list) return;
    // The last stored reading starting before the new one ends (binary search).
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].period_start.getTime() < row.periodEnd.getTime()) lo = mid + 1;
      else hi = mid;
    }
    const before = list[lo - 1];
    if (before && before.period_end.getTime() > row.periodStart.getTime()) {
      problems.add('periodStart', `overlaps the stored reading ${before.period_start.toISOString()} to ${before.period_end.toISOString()} of the same meter`, all.indexOf(row));
    }
  });
  problems.throwIfAny();
}

function eventsFor(rows: IngestRow[], meterById: Map<number, MeterRow>, batchId: number, committedAt: Date): ReadingsIngestedPayload[] {
  const byMeter = new Map<number, ReadingsIngestedPayload>();
  for (const r of rows) {
    const meter = meterById.get(r.meterId)!;
    const ev = byMeter.get(r.meterId);
    if (!ev) {
      byMeter.set(r.meterId, {
        meterId: meter.id,
        institutionId: meter.institution_id,
        carrier: meter.carrier,
        unit: meter.unit,
        batchId,
        rows: 1,
        periodStart: r.periodStart,
        periodEnd: r.periodEnd,
        total: r.value,
        committedAt,
      });
    } else {
      ev.rows++;
      ev.total += r.value;
      if (r.periodStart < ev.periodStart) ev.periodStart = r.periodStart;
      if (r.periodEnd > ev.periodEnd) ev.periodEnd = r.periodEnd;
    }
  }
  return [...byMeter.values()];
}
