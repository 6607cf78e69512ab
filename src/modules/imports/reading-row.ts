import { ValidationError } from '../../errors/domain-errors';
import { fromGlobalId } from '../../graphql/relay';
import { periodProblem } from '../metering/ingest.service';
import type { ColumnMap, RawRow } from './reading-file.parser';

/** A row that passed every check on its own; checks against the database come later, in SQL. */
export interface ImportReading {
  row: number;
  meterId: number;
  periodStart: Date;
  periodEnd: Date;
  value: number;
}

export interface RowProblem {
  row: number;
  column: string;
  reason: string;
}


const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** Offset of `tz` from UTC at the instant `ms`, in milliseconds. */
function offsetAt(ms: number, tz: string): number {
  let fmt = offsetFormats.get(tz);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormats.set(tz, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - (ms - (ms % 1000));
}

/** Wall-clock time in `tz` to an instant; the second pass settles days when the offset changes. */
export function localTime(y: number, mo: number, d: number, h: number, mi: number, s: number, tz: string): Date {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  let ms = wall - offsetAt(wall, tz);
  ms = wall - offsetAt(ms, tz);
  return new Date(ms);
}

const LOCAL = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Times already parsed, per zone: a file repeats each hour once per meter (and a row's end is the
 * next row's start), and parsing each cell again was a fifth of an import's CPU in the CLI.
 */
const parsed = { tz: '', times: new Map<string, number | null>() };

/** ISO 8601 with an offset, or `YYYY-MM-DD[ HH:mm[:ss]]` in the hub's zone. Spreadsheet dates carry wall-clock time. */
export function parseTime(cell: string | Date, tz: string): Date | null {
  if (cell instanceof Date) return parseText(cell.toISOString().slice(0, 19).replace('T', ' '), tz);
  if (parsed.tz !== tz || parsed.times.size >= 100_000) {
    parsed.tz = tz;
    parsed.times = new Map();
  }
  let ms = parsed.times.get(cell);
  if (ms === undefined) {
    ms = parseText(cell, tz)?.getTime() ?? null;
    // A copy as the key: the cell is a slice of a whole chunk of the file, which it would keep alive.
    parsed.times.set(JSON.parse(JSON.stringify(cell)) as string, ms);
  }
  return ms === null ? null : new Date(ms);
}

function parseText(text: string, tz: string): Date | null {
  if (WITH_OFFSET.test(text)) {
    const d = new Date(text);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const m = LOCAL.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const date = localTime(y, mo, d, h, mi, s, tz);
  // 2024-02-30 rolls over in Date.UTC: compare the day back to catch it.
  return new Date(Date.UTC(y, mo - 1, d)).getUTCDate() === d ? date : null;
}

/** Checks one row; `meterBySerial` and `meterIds` come from the meter table, read once per import. */
export function checkRow(raw: RawRow, columns: ColumnMap, meterBySerial: Map<string, number>, meterIds: Set<number>, tz: string): ImportReading | RowProblem[] {
  const problems: RowProblem[] = [];
  const cell = (c: string | undefined) => (c ? raw.cells.get(c) ?? '' : '');
  const bad = (column: string | undefined, reason: string) => problems.push({ row: raw.row, column: column ?? '', reason });

  let meterId = NaN;
  const globalId = String(cell(columns.meterId));
  if (globalId) {
    try {
      meterId = Number(fromGlobalId(globalId, 'Meter', 'meterId').id);
      if (!meterIds.has(meterId)) bad(columns.meterId, `no meter with id ${globalId}`);
    } catch (err) {
      bad(columns.meterId, err instanceof ValidationError ? err.problems[0].message : 'not a meter ID');
    }
  } else {
    const serial = String(cell(columns.serial));
    if (!serial) bad(columns.serial ?? columns.meterId, 'no meter given');
    else if (!meterBySerial.has(serial)) bad(columns.serial, `no meter with serial "${serial}"`);
    else meterId = meterBySerial.get(serial)!;
  }

  let start: Date | null;
  let end: Date | null;
  if (columns.start && columns.end && (cell(columns.start) !== '' || !columns.date)) {
    start = parseTime(cell(columns.start), tz);
    end = parseTime(cell(columns.end), tz);
    if (!start) bad(columns.start, `"${String(cell(columns.start))}" is not a date-time (ISO with offset, or YYYY-MM-DD HH:mm[:ss] local)`);
    if (!end) bad(columns.end, `"${String(cell(columns.end))}" is not a date-time (ISO with offset, or YYYY-MM-DD HH:mm[:ss] local)`);
  } else {
    // A daily value covers the local day: midnight to the next midnight in the hub's zone.
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(cell(columns.date) instanceof Date ? (cell(columns.date) as Date).toISOString() : String(cell(columns.date)).replace(/\//g, '-'));
    start = m ? parseTime(`${m[1]}-${m[2]}-${m[3]}`, tz) : null;
    end = start && m ? localTime(Number(m[1]), Number(m[2]), Number(m[3]) + 1, 0, 0, 0, tz) : null;
    if (!start || !end) bad(columns.date, `"${String(cell(columns.date))}" is not a date (YYYY-MM-DD)`);
  }
  // The same rules as a GraphQL batch.
  const period = start && end ? periodProblem(start, end) : null;
  if (period) bad(columns.date && !columns.start ? columns.date : period.field === 'periodStart' ? columns.start : columns.end, period.message);

  const text = String(cell(columns.value)).replace(/,/g, '');
  const value = text === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) bad(columns.value, `"${String(cell(columns.value))}" is not a number`);
  else if (value < 0) bad(columns.value, 'must not be negative (consumption over the period, not a meter index)');

  if (problems.length) return problems;
  return { row: raw.row, meterId, periodStart: start!, periodEnd: end!, value };
}
