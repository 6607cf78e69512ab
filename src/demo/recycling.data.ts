import type pg from 'pg';
import { nextMonth } from '../modules/accounting/period';
import { DEMO_INSTITUTIONS, type DemoInstitution } from './shaoyang.data';

/**
 * The demo's monthly recycling records, from a rule simple enough to redo by hand. For each
 * institution, month and stream:
 *   total kg      = round(headcount x kg per person a month x 2 for hospitals)  (kitchen waste only with a canteen or for hospitals)
 *   recycled kg   = round(total x (share in 2021 + 5 points a year) / 100)
 *   landfilled kg = round((total - recycled) x 40 / 100), incinerated kg = the rest.
 * Rows of 0 kg are left out. Every stream's recycled share rises 5 points a year, so every
 * institution's recycling rate rises year by year (the demo's sorting programme).
 */
export const DEMO_RECYCLING_KG_PER_PERSON = {
  PAPER: 1.2,
  PLASTICS: 0.6,
  METALS: 0.1,
  GLASS: 0.15,
  E_WASTE: 0.05,
  KITCHEN_WASTE: 2,
  OTHER: 1.5,
} as const;
type Stream = keyof typeof DEMO_RECYCLING_KG_PER_PERSON;

/** Percent of each stream recycled in 2021. */
export const DEMO_RECYCLED_PERCENT_2021: Record<Stream, number> = { PAPER: 60, PLASTICS: 30, METALS: 80, GLASS: 40, E_WASTE: 50, KITCHEN_WASTE: 20, OTHER: 0 };
export const DEMO_RECYCLED_PERCENT_STEP = 5;
export const DEMO_LANDFILLED_PERCENT_OF_REST = 40;
/** Months recorded: January 2021 to June 2024, as the demo's readings. */
export const DEMO_RECYCLING_MONTHS = { from: '2021-01-01', through: '2024-06-01' };

export interface DemoRecyclingRow {
  stream: Stream;
  disposition: 'RECYCLED' | 'LANDFILLED' | 'INCINERATED';
  kg: number;
}

/** One institution's rows for one month (YYYY-MM-01), by the rule above. */
export function demoRecyclingRows(inst: Pick<DemoInstitution, 'headcount' | 'category' | 'hasCanteen'>, month: string): DemoRecyclingRow[] {
  const year = Number(month.slice(0, 4));
  const hospital = inst.category === 'HOSPITAL';
  return (Object.keys(DEMO_RECYCLING_KG_PER_PERSON) as Stream[]).flatMap((stream) => {
    if (stream === 'KITCHEN_WASTE' && !inst.hasCanteen && !hospital) return [];
    // Integer arithmetic (percents, kg x 100) so the rounding is the one a person does.
    const total = Math.round((inst.headcount * Math.round(DEMO_RECYCLING_KG_PER_PERSON[stream] * 100) * (hospital ? 2 : 1)) / 100);
    const percent = Math.min(100, DEMO_RECYCLED_PERCENT_2021[stream] + DEMO_RECYCLED_PERCENT_STEP * (year - 2021));
    const recycled = Math.round((total * percent) / 100);
    const landfilled = Math.round(((total - recycled) * DEMO_LANDFILLED_PERCENT_OF_REST) / 100);
    const rows: DemoRecyclingRow[] = [
      { stream, disposition: 'RECYCLED', kg: recycled },
      { stream, disposition: 'LANDFILLED', kg: landfilled },
      { stream, disposition: 'INCINERATED', kg: total - recycled - landfilled },
    ];
    return rows.filter((r) => r.kg > 0);
  });
}

function demoMonths(): string[] {
  const out: string[] = [];
  for (let m = DEMO_RECYCLING_MONTHS.from; m <= DEMO_RECYCLING_MONTHS.through; m = nextMonth(m)) out.push(m);
  return out;
}

/** Inserts every demo institution's records (one statement); returns how many. */
export async function insertDemoRecycling(client: pg.ClientBase): Promise<number> {
  const rows = DEMO_INSTITUTIONS.flatMap((inst) => demoMonths().flatMap((month) => demoRecyclingRows(inst, month).map((r) => ({ credit: inst.creditCode, month, ...r }))));
  await client.query(
    `INSERT INTO recycling_record (institution_id, month, stream, disposition, quantity_kg, created_by)
     SELECT i.id, u.m, u.s::recycling_stream, u.d::waste_disposition, u.kg, 'demo seeder'
       FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::numeric[]) AS u(credit, m, s, d, kg) JOIN institution i ON i.credit_code = u.credit`,
    [rows.map((r) => r.credit), rows.map((r) => r.month), rows.map((r) => r.stream), rows.map((r) => r.disposition), rows.map((r) => r.kg)],
  );
  return rows.length;
}
