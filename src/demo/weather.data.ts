import { createHash } from 'node:crypto';

/**
 * The demo city's weather station and its daily mean temperatures. The daily values are
 * SYNTHESISED for the demo from monthly climate normals (not observations): the normals are
 * interpolated between mid-month days and a deterministic day-to-day anomaly is added (an AR(1)
 * series seeded from md5, about 2 °C standard deviation), so the same seed always gives the same
 * days and every month straddles several balance points as real weather does.
 */
export const DEMO_STATION = {
  code: 'SY-DEMO',
  name: 'Shaoyang (demo, synthesised daily means)',
  regionCode: '430500',
  source:
    'SYNTHESISED for the demo, not observed: daily means derived from monthly daily-mean normals of Shaoyang. ' +
    'Jan to Sep: China Meteorological Administration 1991-2020 normals for Shaoyang County station (elevation 283 m), as tabulated on ' +
    "Wikipedia's 'Shaoyang County' climate table; Oct to Dec: estimated for the demo (that table was not at hand). " +
    'Normals interpolated between mid-month days, plus a seeded AR(1) anomaly (sd about 2 °C), rounded to 0.1 °C.',
};

/** Daily-mean normals, °C, January to December (see `DEMO_STATION.source` for where each comes from). */
export const SHAOYANG_MONTHLY_MEAN_C = [5.3, 7.6, 11.5, 17.5, 21.9, 25.3, 28.0, 27.2, 23.5, 18.4, 12.8, 7.6] as const;

const DAY_MS = 86_400_000;
const SEED = 'shaoyang-weather';

/** A uniform number in (0, 1) from md5(seed, day, n): the same on every run. */
function uniform(day: string, n: number): number {
  const h = createHash('md5').update(`${SEED}:${day}:${n}`).digest();
  return (h.readUInt32BE(0) + 0.5) / 2 ** 32;
}

/** The normal of a day: linear between the 15th of each month (each month's value placed on its 15th). */
function normalOf(t: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const mid = (yy: number, mm: number) => Date.UTC(yy, mm, 15);
  const [m0, m1] = t < mid(y, m) ? [m - 1, m] : [m, m + 1];
  const t0 = mid(y, m0);
  const t1 = mid(y, m1);
  const v0 = SHAOYANG_MONTHLY_MEAN_C[(m0 + 12) % 12];
  const v1 = SHAOYANG_MONTHLY_MEAN_C[(m1 + 12) % 12];
  return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
}

/** Daily means (°C, one decimal) from `first` to `last` inclusive (YYYY-MM-DD). */
export function demoDailyTemperatures(first: string, last: string): { day: string; meanTempC: number }[] {
  const out: { day: string; meanTempC: number }[] = [];
  let anomaly = 0;
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    // Box-Muller: a standard normal from two uniforms; AR(1) with 0.7 persistence (weather comes in spells).
    const z = Math.sqrt(-2 * Math.log(uniform(day, 1))) * Math.cos(2 * Math.PI * uniform(day, 2));
    anomaly = 0.7 * anomaly + 1.4 * z;
    out.push({ day, meanTempC: Math.round((normalOf(t) + anomaly) * 10) / 10 });
  }
  return out;
}
