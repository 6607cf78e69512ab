import { csvField } from '../../csv';
import { ForbiddenError } from '../../errors/domain-errors';
import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { inTransaction } from '../../db/transaction';
import { addStagedToRollups, stageLocalDays } from '../accounting/rollup';
import type { Principal } from '../../access/principal';
import type { ReadingsIngestedPayload } from '../metering/ingest.service';
import { assertCanWriteMeter, canReadMeter } from '../metering/meter-scope';
import { BatchSource } from '../metering/reading-batch.entity';
import { ImportFileError, mapColumns, readRowBatches, type ColumnMap } from './reading-file.parser';
import { utcMonthOf, writeMonths } from './month-loader';
import { allMeters, dropStagedDuplicates, insertImportBatch, nearLastEnds, openStaging, stagedConflicts, stagedSpans, stageNearReadings } from './import.repository';
import { lockMeters } from '../metering/metering.repository';
import { checkRow, type RowProblem } from './reading-row';
import { batchChange, record } from '../audit/audit.service';
import { cliOperator } from '../audit/audit.scope';
import { closedSpans, markClosedYearStaged, NO_CLOSED_YEAR_ROWS, type ClosedYearRows } from '../accounting/closed-years';

export interface ImportResult {
  rows: number;
  accepted: number;
  duplicates: number;
  batchId: number | null;
  ms: number;
  /** One per meter with new readings, for subscribers once committed (as after a GraphQL batch). */
  events: ReadingsIngestedPayload[];
  /** Local months (YYYY-MM-01) whose rollups changed. */
  refreshedMonths: string[];
  /** Rows added in closed years, and which: pending recalculation there. */
  closedYearRows: ClosedYearRows;
  /** Milliseconds: reading, checking and COPY to staging; checks against stored readings; the insert; the rollup refresh. */
  phases: { read: number; check: number; write: number; rollups: number };
}

/** Some rows were rejected; the report beside the input lists them and nothing was written. */
export class ImportRejectedError extends Error {
  constructor(
    readonly report: string,
    readonly rejected: number,
    /** Problems that are rows of meters the key may not write. */
    readonly forbidden: number,
  ) {
    super(`${rejected} problem(s) in the file, nothing imported; see ${report}`);
  }
}

/** The file has more rows than the caller may import now (its budget); nothing was written. */
export class ImportRowLimitError extends Error {
  constructor(readonly maxRows: number) {
    super(`the file has more than ${maxRows} rows`);
  }
}

const COPY_CHUNK_CHARS = 64 * 1024;

const IMPORT_WORK_MEM = '64MB';

/** Distinct periods collected while reading, beyond which the rollups find them in SQL instead. */
const MAX_PERIODS = 100_000;

/** Per meter of a file: its rows so far, their first start, last end and total. */
interface MeterSpan {
  first: number;
  lastEnd: number;
  n: number;
  total: number;
}

/** Instants as COPY text, each written once: a file repeats each hour once per meter. */
const isoTexts = new Map<number, string>();
function iso(d: Date): string {
  const t = d.getTime();
  let s = isoTexts.get(t);
  if (s === undefined) {
    if (isoTexts.size >= 100_000) isoTexts.clear();
    s = d.toISOString();
    isoTexts.set(t, s);
  }
  return s;
}

export const reportPathOf = (file: string) => `${file}.rejected.csv`;


/** The rejected-rows report, opened on the first problem so a clean file leaves none behind. */
export class Report {
  private out: WriteStream | null = null;
  count = 0;
  constructor(readonly path: string) {}

  async add(p: RowProblem): Promise<void> {
    if (!this.out) {
      this.out = createWriteStream(this.path);
      this.out.write('row,column,reason\n');
    }
    this.count++;
    if (!this.out.write(`${p.row},${csvField(p.column)},${csvField(p.reason)}\n`)) await once(this.out, 'drain');
  }

  async close(keep: boolean): Promise<void> {
    if (this.out) {
      this.out.end();
      await finished(this.out);
    }
    if (this.out && !keep) rmSync(this.path, { force: true });
  }
}

/**
 * Imports a file of readings in one transaction: rows stream through COPY into a staging table,
 * then one merge into `reading`. A row that is bad on its own, repeats or overlaps another, or
 * differs from a stored reading rejects the whole file, as a GraphQL batch would be.
 */
export async function importReadings(
  pool: pg.Pool,
  file: string,
  tz: string,
  opts: {
    submittedBy: string;
    principal?: Principal;
    mapping?: ColumnMap;
    /** The transaction's statement timeout, when it differs from the pool's (an HTTP import of a big file). */
    statementTimeoutMs?: number;
    /** Rows read and bytes of the file read so far. */
    onProgress?: (rows: number, bytes: number) => void;
    /** More rows than this stop the import (ImportRowLimitError), nothing written. */
    maxRows?: number;
  },
): Promise<ImportResult> {
  const t0 = Date.now();
  const { visible, writable } = await metersFor(pool, opts.principal);
  const meterBySerial = new Map(visible.map((m) => [m.serial, m.id]));
  const meterIds = new Set(visible.map((m) => m.id));
  const meterById = new Map(visible.map((m) => [m.id, m]));
  const report = new Report(reportPathOf(file));
  let forbidden = 0;
  const closed = await closedSpans(pool, tz);
  let rows = 0;
  // The file's span and meters, so the checks read only the stored readings that could clash.
  let first = Infinity;
  let lastEnd = -Infinity;
  const fileMeters = new Map<number, MeterSpan>();
  // Each row starting no earlier than every earlier row of its meter ends: no row of the file can
  // repeat or overlap another, and the window over all rows that proves it is not needed.
  let inOrder = true;
  // The distinct periods (start -> ends) of the rows, for the rollups' local days; null past MAX_PERIODS.
  let periods: Map<number, Set<number>> | null = new Map();
  let periodCount = 0;
  const months = new Set<number>();
  // The UTC month of the last row's start: rows mostly come in time order.
  const month = { from: Infinity, to: -Infinity };
  const phases = { read: 0, check: 0, write: 0, rollups: 0 };
  let mark = 0;
  const lap = () => {
    const ms = Date.now() - mark;
    mark = Date.now();
    return ms;
  };
  const written = await inTransaction(pool, async (client) => {
    // The checks' window, the months' sorts and the rollups' aggregate over a whole file: in memory, not on disk.
    await client.query(`SET LOCAL work_mem = '${IMPORT_WORK_MEM}'`);
    const copy = await openStaging(client);
    let pending = '';
    try {
      let columns: ColumnMap | null = null;
      const progress = { bytes: 0 };
      for await (const batch of readRowBatches(file, { mapping: opts.mapping, progress })) {
        for (const raw of batch) {
          columns ??= mapColumns([...raw.cells.keys()], opts.mapping);
          rows++;
          if (opts.maxRows !== undefined && rows > opts.maxRows) throw new ImportRowLimitError(opts.maxRows);
          if (rows % 1000 === 0) opts.onProgress?.(rows, progress.bytes);
          const checked = checkRow(raw, columns, meterBySerial, meterIds, tz);
          if (Array.isArray(checked)) {
            for (const p of checked) await report.add(p);
          } else if (writable && !writable.has(checked.meterId)) {
            forbidden++;
            await report.add({ row: checked.row, column: columns.serial ?? columns.meterId ?? '', reason: 'this key may not write readings of this meter' });
          } else {
            // Staged even after a bad row: the overlap checks below then report in the same pass.
            const start = checked.periodStart.getTime();
            const end = checked.periodEnd.getTime();
            first = Math.min(first, start);
            lastEnd = Math.max(lastEnd, end);
            const span = fileMeters.get(checked.meterId);
            if (!span) fileMeters.set(checked.meterId, { first: start, lastEnd: end, n: 1, total: checked.value });
            else {
              if (start < span.lastEnd) inOrder = false;
              if (start < span.first) span.first = start;
              if (end > span.lastEnd) span.lastEnd = end;
              span.n++;
              span.total += checked.value;
            }
            if (periods) {
              let ends = periods.get(start);
              if (!ends) periods.set(start, (ends = new Set()));
              if (!ends.has(end)) {
                ends.add(end);
                if (++periodCount > MAX_PERIODS) periods = null;
              }
            }
            if (start < month.from || start >= month.to) {
              month.from = utcMonthOf(start);
              month.to = utcMonthOf(month.from + 32 * 86_400_000);
              months.add(month.from);
            }
            const line = `${checked.row}\t${checked.meterId}\t${iso(checked.periodStart)}\t${iso(checked.periodEnd)}\t${checked.value}\n`;
            // One CopyData message (and socket write) per ~64 KB, not per row.
            pending += line;
            if (pending.length >= COPY_CHUNK_CHARS) {
              const ok = copy.write(pending);
              pending = '';
              if (!ok) await once(copy, 'drain');
            }
          }
        }
      }
      opts.onProgress?.(rows, progress.bytes);
      if (!rows) throw new ImportFileError('the file has a header but no rows');
      if (pending) copy.write(pending);
      copy.end();
      await finished(copy);
    } catch (err) {
      copy.destroy(err as Error);
      await finished(copy).catch(() => undefined);
      throw err;
    }

    phases.read = Date.now() - t0;
    mark = Date.now();
    let againstStored = false;
    if (fileMeters.size) {
      const meterIds = [...fileMeters.keys()];
      // Locks the meters so an import and a GraphQL batch for one meter apply one after the other.
      await lockMeters(client, meterIds);
      if (await stageNearReadings(client, meterIds, new Date(first), new Date(lastEnd))) {
        // Only a meter whose rows begin before its stored readings end can meet one (repeat, change or
        // overlap it): a file continuing the stored data skips those checks.
        againstStored = (await nearLastEnds(client)).some((n) => fileMeters.get(n.meter_id)!.first < n.last_end.getTime());
      }
      for (const p of await stagedConflicts(client, { withinFile: !inOrder, againstStored })) await report.add(p);
    }
    if (report.count) {
      await report.close(true);
      throw new ImportRejectedError(report.path, report.count, forbidden);
    }
    // A report left by an earlier run of this file no longer applies.
    rmSync(report.path, { force: true });

    // Rows already stored with the same value are duplicates; what is left is new.
    const duplicates = againstStored ? await dropStagedDuplicates(client) : 0;
    const accepted = rows - duplicates;
    phases.check = lap();
    if (!accepted) return { accepted, duplicates, batchId: null, spans: [], refreshedMonths: [], closedYearRows: NO_CLOSED_YEAR_ROWS };
    const batchId = await insertImportBatch(client, { keyId: opts.principal?.keyId || null, submittedBy: opts.submittedBy, accepted, duplicates });
    // Months without a partition are loaded on the side and attached; the others take one insert.
    await writeMonths(client, 'import_staging', [...months], batchId, [...fileMeters.keys()]);
    phases.write = lap();
    // The totals take the staged rows' share (no stored reading is read again); the spans make the
    // events: with no duplicate dropped, every row read is written, and the CLI has counted them.
    const spans = duplicates ? await stagedSpans(client) : [...fileMeters].map(([id, m]) => {
      const meter = meterById.get(id)!;
      return { meter_id: id, institution_id: meter.institution_id, carrier: meter.carrier, unit: meter.unit, n: m.n, s: new Date(m.first), e: new Date(m.lastEnd), total: m.total };
    });
    await stageLocalDays(client, 'import_days', 'import_staging', periods && periodsOf(periods), tz);
    const refreshed = await addStagedToRollups(client, 'import_staging', 'import_days', tz);
    // Only the closed years the file's span meets can hold its rows.
    const closedYearRows = await markClosedYearStaged(closed.filter((c) => first < c.to.getTime() && lastEnd > c.from.getTime()), client, 'import_staging');
    await record(client, {
      actor: opts.principal ?? cliOperator(),
      changes: [
        batchChange({
          batchId, source: BatchSource.IMPORT, meterIds: spans.map((r) => r.meter_id), accepted, duplicates, corrected: 0,
          periodStart: new Date(Math.min(...spans.map((r) => r.s.getTime()))),
          periodEnd: new Date(Math.max(...spans.map((r) => r.e.getTime()))),
        }),
      ],
      institutionIds: spans.map((r) => r.institution_id),
    });
    return { accepted, duplicates, batchId, spans, refreshedMonths: refreshed.months, closedYearRows };
  }, { statementTimeoutMs: opts.statementTimeoutMs }).catch(async (err: unknown) => {
    if (!(err instanceof ImportRejectedError)) await report.close(false);
    throw err;
  });
  const { batchId, accepted, duplicates } = written;
  if (batchId === null) return { rows, accepted, duplicates, batchId, ms: Date.now() - t0, events: [], refreshedMonths: [], closedYearRows: NO_CLOSED_YEAR_ROWS, phases };
  phases.rollups = lap();
  const committedAt = new Date();
  const events = written.spans.map((r) => ({
    meterId: r.meter_id, institutionId: r.institution_id, carrier: r.carrier, unit: r.unit, batchId, rows: r.n, periodStart: r.s, periodEnd: r.e, total: r.total, committedAt,
  }));
  return { rows, accepted, duplicates, batchId, ms: Date.now() - t0, events, refreshedMonths: written.refreshedMonths, closedYearRows: written.closedYearRows, phases };
}

/** Periods as parallel arrays of their starts and ends (COPY text, as the staged rows were sent). */
function periodsOf(periods: Map<number, Set<number>>): { starts: string[]; ends: string[] } {
  const starts: string[] = [];
  const ends: string[] = [];
  for (const [s, es] of periods) {
    for (const e of es) {
      starts.push(iso(new Date(s)));
      ends.push(iso(new Date(e)));
    }
  }
  return { starts, ends };
}

/**
 * The meters rows may name: all of them for the operator's CLI; for a key, the ones it may read
 * (others are "no meter", as in GraphQL), with those it may also write.
 */
async function metersFor(pool: pg.Pool, principal: Principal | undefined) {
  const rows = await allMeters(pool);
  if (!principal) return { visible: rows, writable: null };
  const visible = rows.filter((m) => canReadMeter(principal, { carrier: m.carrier, institutionId: m.institution_id }));
  const writable = new Set<number>();
  for (const m of visible) {
    try {
      assertCanWriteMeter(principal, { carrier: m.carrier, institutionId: m.institution_id });
      writable.add(m.id);
    } catch (err) {
      // Readable, not writable: its rows are refused one by one in the report.
      if (!(err instanceof ForbiddenError)) throw err;
    }
  }
  return { visible, writable };
}
