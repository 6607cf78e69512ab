import { parse } from 'csv-parse/sync';
import type { FieldProblem } from '../../errors/domain-errors';

/** One checked row of a weather file: a station's daily mean temperature, in °C. */
export interface WeatherRow {
  index: number;
  station: string;
  day: string;
  meanTempC: number;
  source: string | null;
}

const HEADERS = {
  station: ['station', 'station_code', '站点'],
  day: ['day', 'date', '日期'],
  meanTemp: ['mean_temp', 'mean_temp_c', 'tavg', '日平均气温'],
  unit: ['unit', '单位'],
  source: ['source', '来源'],
} as const;
/** Plausible daily means on Earth, in °C: outside it is a typo or a unit mix-up. */
const MIN_C = -90;
const MAX_C = 60;
export const MAX_WEATHER_ROWS = 50_000;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (s: string) => DAY.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

/**
 * Parses and checks a weather CSV (header: station, day, mean_temp, optional unit C or F, optional
 * source). Every problem is reported with its row (the header is row 1); nothing is partial.
 */
export function parseWeatherCsv(text: string, today: string): { rows: WeatherRow[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (err) {
    return { rows: [], problems: [{ field: 'file', message: `not a readable CSV: ${(err as Error).message.split('\n')[0].slice(0, 200)}` }] };
  }
  if (!records.length) return { rows: [], problems: [{ field: 'file', message: 'empty: expected a header station,day,mean_temp[,unit][,source]' }] };
  const header = records[0].map((h) => h.toLowerCase());
  const col = (k: keyof typeof HEADERS) => header.findIndex((h) => (HEADERS[k] as readonly string[]).includes(h));
  const at = { station: col('station'), day: col('day'), meanTemp: col('meanTemp'), unit: col('unit'), source: col('source') };
  for (const k of ['station', 'day', 'meanTemp'] as const) if (at[k] < 0) problems.push({ field: 'header', message: `no ${HEADERS[k][0]} column (accepted: ${HEADERS[k].join(', ')})` });
  if (problems.length) return { rows: [], problems };
  if (records.length - 1 > MAX_WEATHER_ROWS) return { rows: [], problems: [{ field: 'file', message: `at most ${MAX_WEATHER_ROWS} rows per import, got ${records.length - 1}` }] };

  const rows: WeatherRow[] = [];
  const seen = new Set<string>();
  records.slice(1).forEach((cells, i) => {
    const index = i + 2;
    const station = cells[at.station] ?? '';
    const day = cells[at.day] ?? '';
    const unit = at.unit >= 0 ? (cells[at.unit] || 'C').toUpperCase() : 'C';
    const raw = cells[at.meanTemp] ?? '';
    const value = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
    const before = problems.length;
    if (!station || station.length > 32) problems.push({ field: 'station', message: 'a station code of 1 to 32 characters', index });
    if (!isDay(day)) problems.push({ field: 'day', message: `"${day.slice(0, 40)}" is not a day (YYYY-MM-DD)`, index });
    else if (day > today) problems.push({ field: 'day', message: `${day} is in the future`, index });
    if (unit !== 'C' && unit !== 'F' && unit !== '°C' && unit !== '°F') problems.push({ field: 'unit', message: `"${unit.slice(0, 20)}": C or F`, index });
    const c = unit.endsWith('F') ? ((value - 32) * 5) / 9 : value;
    if (!Number.isFinite(value)) problems.push({ field: 'mean_temp', message: `"${raw.slice(0, 40)}" is not a number`, index });
    else if (c < MIN_C || c > MAX_C) problems.push({ field: 'mean_temp', message: `${raw} ${unit} is outside ${MIN_C} to ${MAX_C} °C`, index });
    const key = `${station}|${day}`;
    if (seen.has(key)) problems.push({ field: 'day', message: `${station} ${day} appears twice in the file`, index });
    seen.add(key);
    const source = at.source >= 0 ? cells[at.source] || null : null;
    if (source && source.length > 200) problems.push({ field: 'source', message: 'at most 200 characters', index });
    if (problems.length === before) rows.push({ index, station, day, meanTempC: c, source });
  });
  return { rows, problems };
}
