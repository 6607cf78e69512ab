import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { FactorTable } from '../factors/factor-table';
import type { Carrier, MeterUnit } from '../metering/metering.enums';

/** A carrier's use on one day, in the factor's unit and in kgce; `complete` when every meter covered the whole day. */
export interface CarrierDay {
  quantity: number;
  kgce: number;
  complete: boolean;
  /** Share of the day's meter-seconds covered by readings. */
  coverage: number;
}

export interface CarrierSeries {
  carrier: Carrier;
  /** The conversion factor's unit (kWh, m³...). */
  unit: string;
  days: Map<string, CarrierDay>;
  /** Median span of the carrier's readings in the window, hours: a day or less is daily data, more is bills. */
  medianSpanHours: number | null;
}

const DAY_S = 86_400;

/** One row of the meter_day rollup summed per carrier, unit and day. */
export interface CarrierDayRow {
  carrier: Carrier;
  unit: MeterUnit;
  day: string;
  value: number;
  covered_s: number;
  meters: number;
}

/** What a series is asked for: an institution's carriers over [from, to). */
export interface SeriesKey {
  institutionId: number;
  regionId: number;
  carriers: readonly Carrier[];
  from: string;
  to: string;
}

/** One row of the readings' median span per carrier (what tells daily data from bills). */
export interface SpanRow {
  carrier: Carrier;
  hours: number | null;
}

/**
 * The daily rows of many series in one statement (each series an institution's carriers over
 * [from, to), from the meter_day rollup: readings prorated by time), so a list of contracts is
 * measured with one statement whatever the number of contracts, meters or days.
 */
export async function carrierDays(pool: pg.Pool, keys: readonly SeriesKey[]): Promise<CarrierDayRow[][]> {
  const { rows } = await pool.query<CarrierDayRow & { n: number }>(
    `WITH k AS (SELECT u.institution_id, u.f, u.t, u.carriers, u.n::int AS n
                  FROM unnest($1::int[], $2::date[], $3::date[], $4::text[]) WITH ORDINALITY AS u(institution_id, f, t, carriers, n)),
          me AS (SELECT k.n, m.id, m.carrier, m.unit FROM k JOIN meter m ON m.institution_id = k.institution_id AND m.carrier::text = ANY(string_to_array(k.carriers, ','))),
          c AS (SELECT me.n, me.carrier, count(*)::int AS meters FROM me GROUP BY me.n, me.carrier)
     SELECT me.n, me.carrier, me.unit, to_char(md.day, 'YYYY-MM-DD') AS day, sum(md.value)::float8 AS value, sum(md.covered_s)::float8 AS covered_s, min(c.meters) AS meters
       FROM me JOIN c ON c.n = me.n AND c.carrier = me.carrier JOIN k ON k.n = me.n JOIN meter_day md ON md.meter_id = me.id AND md.day >= k.f AND md.day < k.t
      GROUP BY me.n, me.carrier, me.unit, md.day`,
    [keys.map((k) => k.institutionId), keys.map((k) => k.from), keys.map((k) => k.to), keys.map((k) => k.carriers.join(','))],
  );
  const out: CarrierDayRow[][] = keys.map(() => []);
  for (const r of rows) out[r.n - 1].push(r);
  return out;
}

/**
 * The median span of each carrier's readings in each window, in one statement: a day or less is
 * daily data (CalTRACK daily method), more is bills (billing method). A sample of each meter's
 * readings tells it; only a fit needs it.
 */
export async function readingSpans(pool: pg.Pool, keys: readonly SeriesKey[]): Promise<SpanRow[][]> {
  const { rows } = await pool.query<SpanRow & { n: number }>(
    `WITH k AS (SELECT u.institution_id, u.f, u.t, u.carriers, u.n::int AS n
                  FROM unnest($1::int[], $2::date[], $3::date[], $4::text[]) WITH ORDINALITY AS u(institution_id, f, t, carriers, n))
     SELECT k.n, m.carrier, percentile_disc(0.5) WITHIN GROUP (ORDER BY s.hours)::float8 AS hours
       FROM k JOIN meter m ON m.institution_id = k.institution_id AND m.carrier::text = ANY(string_to_array(k.carriers, ','))
            CROSS JOIN LATERAL (SELECT extract(epoch FROM r.period_end - r.period_start) / 3600 AS hours FROM reading r
                                 WHERE r.meter_id = m.id AND r.period_start >= k.f AND r.period_start < k.t LIMIT 400) s
      GROUP BY k.n, m.carrier`,
    [keys.map((k) => k.institutionId), keys.map((k) => k.from), keys.map((k) => k.to), keys.map((k) => k.carriers.join(','))],
  );
  const out: SpanRow[][] = keys.map(() => []);
  for (const r of rows) out[r.n - 1].push({ carrier: r.carrier, hours: r.hours });
  return out;
}

/** A carrier's days in the factor's unit and in kgce, with how much of each day the meters covered. */
export function buildSeries(key: SeriesKey, days: readonly CarrierDayRow[], spans: readonly SpanRow[], factors: FactorTable): CarrierSeries[] {
  const { carriers, regionId, from } = key;
  const rowsOf = new Map<Carrier, CarrierDayRow[]>(carriers.map((c) => [c, []]));
  for (const r of days) rowsOf.get(r.carrier)?.push(r);
  return carriers.map((carrier) => {
    const series: CarrierSeries = { carrier, unit: '', days: new Map(), medianSpanHours: spans.find((s) => s.carrier === carrier)?.hours ?? null };
    const covered = new Map<string, { s: number; meters: number }>();
    // Factors change by month at most: resolved once per unit and month, not per day.
    const factorOf = new Map<string, ReturnType<FactorTable['resolve']>>();
    for (const r of rowsOf.get(carrier)!) {
      const month = `${r.day.slice(0, 7)}-01`;
      const fk = `${r.unit}|${month}`;
      let f = factorOf.get(fk);
      if (!f) factorOf.set(fk, (f = factors.resolve(carrier, r.unit, month, regionId)));
      series.unit ||= f.unit;
      let d = series.days.get(r.day);
      if (!d) series.days.set(r.day, (d = { quantity: 0, kgce: 0, complete: false, coverage: 0 }));
      d.quantity += r.value * f.toUnit;
      d.kgce += r.value * (f.kgcePerMeterUnit ?? 0);
      const c = covered.get(r.day);
      if (c) c.s += r.covered_s;
      else covered.set(r.day, { s: r.covered_s, meters: r.meters });
    }
    for (const [day, d] of series.days) {
      const c = covered.get(day)!;
      d.coverage = Math.min(1, c.s / (c.meters * DAY_S));
      d.complete = d.coverage >= 1 - 1e-9;
    }
    if (!series.unit) series.unit = factors.resolve(carrier, defaultUnit(carrier), `${from.slice(0, 7)}-01`, regionId).unit;
    return series;
  });
}

function defaultUnit(carrier: Carrier): MeterUnit {
  return (carrier === 'ELECTRICITY' ? 'KWH' : carrier === 'NATURAL_GAS' ? 'M3' : 'L') as MeterUnit;
}

/** Temperatures of many (station, span) pairs in one statement. */
export async function temperaturesOf(pool: pg.Pool, keys: readonly { stationId: number; from: string; to: string }[]): Promise<Map<string, number>[]> {
  const { rows } = await pool.query<{ n: number; day: string; t: number }>(
    `SELECT k.n::int AS n, to_char(w.day, 'YYYY-MM-DD') AS day, w.mean_temp_c AS t
       FROM unnest($1::int[], $2::date[], $3::date[]) WITH ORDINALITY AS k(station_id, f, t, n)
       JOIN weather_day w ON w.station_id = k.station_id AND w.day >= k.f AND w.day < k.t`,
    [keys.map((k) => k.stationId), keys.map((k) => k.from), keys.map((k) => k.to)],
  );
  const out = keys.map(() => new Map<string, number>());
  for (const r of rows) out[r.n - 1].set(r.day, r.t);
  return out;
}

/** Hash of the observations a model was fitted on, so a later reader can tell the data changed. */
export function hashObservations(rows: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}
