import type pg from 'pg';

/* SQL of the factors module beyond plain entity reads. */

/** The four small tables turning quantities into kgce and kgCO2, and the region tree, as JSON arrays in one row. */
export interface FactorAndRegionRows {
  conversions: unknown[];
  emissions: unknown[];
  units: unknown[];
  regions: unknown[];
}

/** One statement, so a request pays one round trip for them, not five. */
export async function factorAndRegionRows(pool: pg.Pool): Promise<FactorAndRegionRows> {
  const version = `id, to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo"`;
  const rows = (from: string) => `coalesce((SELECT json_agg(t) FROM (${from}) t), '[]')`;
  const { rows: [r] } = await pool.query<FactorAndRegionRows>(
    `SELECT ${rows(`SELECT ${version}, carrier, unit, kgce_per_unit AS "kgcePerUnit" FROM conversion_factor`)} AS conversions,
            ${rows(`SELECT ${version}, carrier, scope, unit, kg_co2_per_unit AS "kgCo2PerUnit", region_id FROM emission_factor`)} AS emissions,
            ${rows(`SELECT ${version}, carrier, from_unit AS "fromUnit", to_unit AS "toUnit", factor FROM unit_conversion`)} AS units,
            ${rows('SELECT id, parent_id FROM region')} AS regions`,
  );
  return r;
}
