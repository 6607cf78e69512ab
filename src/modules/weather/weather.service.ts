import type pg from 'pg';
import { assertCanReadRows, assertCanWrite } from '../../access/guard';
import type { Principal } from '../../access/principal';
import { inTransaction } from '../../db/transaction';
import { ConflictError, NotFoundError, Problems, ValidationError } from '../../errors/domain-errors';
import { toGlobalId } from '../../global-id';
import type { PageWindow, WindowRows } from '../../db/window';
import { record } from '../audit/audit.service';
import { addDays } from '../accounting/period';
import * as repo from './weather.repository';
import { parseWeatherCsv } from './weather-file.parser';
import type { CreateWeatherStationInput } from './weather.inputs';

/** A station to create, its region id decoded. */
export type NewWeatherStation = Omit<CreateWeatherStationInput, 'regionId'> & { regionId: number | null };
import { DegreeDayMonth, WeatherDay, WeatherImportResult, WeatherStation } from './weather.types';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Longest span one request may ask for: about three years of days. */
const MAX_SPAN_DAYS = 1_100;
/** A CSV handed over GraphQL; larger files go through the CLI. */
export const MAX_WEATHER_CSV_CHARS = 5_000_000;

export class WeatherService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly principal: Principal,
    private readonly timezone: string,
  ) {}

  /** Stations by id in a window (the caller has decoded it after the read check, `assertCanReadStations`). */
  async stations(window: PageWindow): Promise<WindowRows<WeatherStation>> {
    this.assertCanReadStations();
    const rows = await repo.listStations(this.pool, window);
    return { rows: rows.map(WeatherStation.of), count: () => repo.countStations(this.pool) };
  }

  /** The read check of every station list, for a caller that must run it before decoding its paging. */
  assertCanReadStations(): void {
    assertCanReadRows(this.principal, 'weather');
  }

  async station(id: number): Promise<WeatherStation> {
    assertCanReadRows(this.principal, 'weather');
    const [row] = await repo.stationsById(this.pool, [id]);
    if (!row) throw new NotFoundError('no weather station with this id');
    return WeatherStation.of(row);
  }

  async days(stationId: number, from: string, to: string): Promise<WeatherDay[]> {
    const station = await this.station(stationId);
    checkSpan(from, to);
    return (await repo.stationDays(this.pool, station.rowId, from, to)).map((r) => ({ day: r.day, meanTempC: r.mean_temp_c, source: r.source }));
  }

  /** Degree days per calendar month of [from, to) at the given base temperatures. */
  async degreeDays(stationId: number, from: string, to: string, heatingBaseC: number, coolingBaseC: number): Promise<DegreeDayMonth[]> {
    const station = await this.station(stationId);
    checkSpan(from, to);
    for (const [field, v] of [['heatingBaseC', heatingBaseC], ['coolingBaseC', coolingBaseC]] as const) {
      if (!Number.isFinite(v) || v < -30 || v > 40) throw ValidationError.single(field, 'a base temperature from -30 to 40 °C');
    }
    const temps = await repo.temperatures(this.pool, station.rowId, from, to);
    const months: DegreeDayMonth[] = [];
    for (let d = from; d < to; d = addDays(d, 1)) {
      const month = `${d.slice(0, 7)}-01`;
      let m = months[months.length - 1];
      if (!m || m.month !== month) months.push((m = { month, days: 0, daysWithTemperature: 0, missingDays: [], hdd: 0, cdd: 0 }));
      m.days++;
      const t = temps.get(d);
      if (t === undefined) {
        m.missingDays.push(d);
        continue;
      }
      m.daysWithTemperature++;
      m.hdd += Math.max(0, heatingBaseC - t);
      m.cdd += Math.max(0, t - coolingBaseC);
    }
    return months;
  }

  async createStation(input: NewWeatherStation): Promise<WeatherStation> {
    assertCanWrite(this.principal, 'weather', null);
    const problems = new Problems();
    if (!/^[A-Za-z0-9_.-]{1,32}$/.test(input.code)) problems.add('code', '1 to 32 letters, digits, _ . or -');
    if (!input.name.trim() || input.name.length > 200) problems.add('name', '1 to 200 characters');
    if (!input.source.trim() || input.source.length > 200) problems.add('source', '1 to 200 characters');
    const { regionId } = input;
    problems.throwIfAny();
    const id = await inTransaction(this.pool, async (client) => {
      if (regionId !== null && !(await repo.regionExists(client, regionId))) throw ValidationError.single('regionId', 'no such region');
      const taken = await repo.stationsWithCodeOrRegion(client, input.code, regionId);
      if (taken.some((r) => r.code === input.code)) throw new ConflictError(`a station with code ${input.code} exists already`);
      if (taken.length) throw new ConflictError('the region has a station already');
      const id = await repo.insertStation(client, { code: input.code, name: input.name.trim(), regionId, source: input.source.trim() });
      const fields = { code: input.code, name: input.name.trim(), regionId, source: input.source.trim() };
      await record(client, { actor: this.principal, changes: [{ object: toGlobalId('WeatherStation', id), type: 'WeatherStation', action: 'create', fields: created(fields) }] });
      return id;
    });
    return this.station(id);
  }

  /**
   * Imports a weather CSV all or nothing, as readings are: every row checked first (station known,
   * day a past day, temperature plausible, no day twice); any problem and nothing is written.
   */
  async importCsv(text: string, source: string, by: string): Promise<WeatherImportResult> {
    assertCanWrite(this.principal, 'weather', null);
    if (text.length > MAX_WEATHER_CSV_CHARS) throw ValidationError.single('csv', `at most ${MAX_WEATHER_CSV_CHARS} characters; import larger files with the CLI`);
    if (!source.trim() || source.length > 200) throw ValidationError.single('source', '1 to 200 characters');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: this.timezone }).format(new Date());
    const { rows, problems } = parseWeatherCsv(text, today);
    if (problems.length) throw new ValidationError(problems);
    if (!rows.length) throw ValidationError.single('csv', 'no data rows');
    return inTransaction(this.pool, async (client) => {
      const codes = [...new Set(rows.map((r) => r.station))];
      const ids = await repo.stationIdsByCode(client, codes);
      const unknown = rows.filter((r) => !ids.has(r.station));
      if (unknown.length) throw new ValidationError(unknown.map((r) => ({ field: 'station', message: `no station with code ${r.station}`, index: r.index })));
      const changed = await repo.upsertDays(client, rows.map((r) => ({ stationId: ids.get(r.station)!, day: r.day, meanTempC: r.meanTempC, source: r.source ?? source.trim() })), by);
      // One change per station: the span and count of days the file brought (the days themselves are the table's).
      const changes = codes.map((code) => {
        const days = rows.filter((r) => r.station === code).map((r) => r.day).sort();
        return { object: toGlobalId('WeatherStation', ids.get(code)!), type: 'WeatherDays', action: 'update' as const, fields: { days: { before: null, after: { from: days[0], to: days[days.length - 1], rows: days.length, source: source.trim() } } } };
      });
      await record(client, { actor: this.principal, changes });
      return { rows: rows.length, changed, stations: codes };
    });
  }
}

const created = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { before: null, after: v }]));

function checkSpan(from: string, to: string): void {
  const problems = new Problems();
  if (!DAY.test(from)) problems.add('from', 'a day, YYYY-MM-DD');
  if (!DAY.test(to)) problems.add('to', 'a day, YYYY-MM-DD');
  problems.throwIfAny();
  if (!(from < to)) throw ValidationError.single('to', 'must be after from');
  if (addDays(from, MAX_SPAN_DAYS) < to) throw ValidationError.single('to', `at most ${MAX_SPAN_DAYS} days from from`);
}


