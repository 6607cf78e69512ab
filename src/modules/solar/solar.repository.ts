import type pg from 'pg';
import { sqlRowsById, sqlWindow, type PageWindow, type WindowRows } from '../../db/window';
import { toGlobalId } from '../../global-id';
import type { MeterUnit } from '../metering/metering.enums';
import type { PvFinancing, PvStatus } from './pv-project.entity';
import type { PvProjectRow } from './solar.types';

/* SQL of the solar module: generation meters' monthly figures and the regions of projects' institutions. */

export interface GenerationMonthRow {
  meter_id: number;
  unit: MeterUnit;
  /** The month's first day, YYYY-MM-DD. */
  month: string;
  /** Exact numeric, as text. */
  value: string;
  covered_s: number;
}

/** Monthly rollups of the meters over the months of [from, to) (from's month included). */
export async function generationMonths(pool: pg.Pool, meterIds: readonly number[], from: string, to: string): Promise<GenerationMonthRow[]> {
  const { rows } = await pool.query<GenerationMonthRow>(
    `SELECT mm.meter_id, m.unit, to_char(mm.month, 'YYYY-MM-DD') AS month, mm.value::numeric AS value, mm.covered_s
       FROM meter_month mm JOIN meter m ON m.id = mm.meter_id
      WHERE mm.meter_id = ANY($1::int[]) AND mm.month >= date_trunc('month', $2::date) AND mm.month < $3::date`,
    [meterIds, from, to],
  );
  return rows;
}

/** The region of each institution, by institution id. */
export async function regionsOfInstitutions(pool: pg.Pool, institutionIds: readonly number[]): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ id: number; region_id: number }>('SELECT id, region_id FROM institution WHERE id = ANY($1::int[])', [institutionIds]);
  return new Map(rows.map((r) => [r.id, r.region_id]));
}

/* PV projects as reads give them: plain rows, the key's scope in the statement. */

const PROJECT_COLUMNS = `p.id, p.institution_id, p.name, p.name_zh, p.capacity_kw, p.investment_yuan, p.financing, p.status,
  to_char(p.started_on, 'YYYY-MM-DD') AS started_on, to_char(p.commissioned_on, 'YYYY-MM-DD') AS commissioned_on,
  to_char(p.decommissioned_on, 'YYYY-MM-DD') AS decommissioned_on, p.expected_annual_kwh, p.reported_annual_co2_t, p.generation_meter_id, p.export_meter_id`;

interface PvProjectRecord {
  id: number;
  institution_id: number;
  name: string;
  name_zh: string;
  capacity_kw: number;
  investment_yuan: string;
  financing: PvFinancing;
  status: PvStatus;
  started_on: string;
  commissioned_on: string | null;
  decommissioned_on: string | null;
  expected_annual_kwh: number;
  reported_annual_co2_t: number;
  generation_meter_id: number | null;
  export_meter_id: number | null;
}

const pvProjectRow = (r: PvProjectRecord): PvProjectRow => ({
  id: r.id,
  globalId: toGlobalId('PvProject', r.id),
  institution: { id: r.institution_id },
  name: r.name,
  nameZh: r.name_zh,
  capacityKw: r.capacity_kw,
  investmentYuan: r.investment_yuan,
  financing: r.financing,
  status: r.status,
  startedOn: r.started_on,
  commissionedOn: r.commissioned_on,
  decommissionedOn: r.decommissioned_on,
  expectedAnnualKwh: r.expected_annual_kwh,
  reportedAnnualCo2T: r.reported_annual_co2_t,
  generationMeter: r.generation_meter_id === null ? null : { id: r.generation_meter_id },
  exportMeter: r.export_meter_id === null ? null : { id: r.export_meter_id },
});

/** Which projects to read: `ids` is the key's institution scope (null: all). */
export interface PvProjectSelection {
  ids: number[] | null;
  institutionId: number | null;
  status: PvStatus | null;
  /** Started on or before this day. */
  startedBy?: string;
}

function projectConditions(s: PvProjectSelection, params: unknown[]): string[] {
  const where: string[] = [];
  if (s.ids) where.push(`p.institution_id = ANY($${params.push(s.ids)}::int[])`);
  if (s.institutionId) where.push(`p.institution_id = $${params.push(s.institutionId)}`);
  if (s.status) where.push(`p.status = $${params.push(s.status)}`);
  if (s.startedBy) where.push(`p.started_on <= $${params.push(s.startedBy)}::date`);
  return where;
}

/** A window of projects in id order, one statement; the count only when asked. */
export function pvProjectWindow(pool: pg.Pool, s: PvProjectSelection, window: PageWindow): Promise<WindowRows<PvProjectRow>> {
  const params: unknown[] = [];
  const where = projectConditions(s, params);
  return sqlWindow(pool, { select: PROJECT_COLUMNS, from: 'pv_project p', where, params, column: 'p.id' }, window, pvProjectRow);
}

/** Every project of the selection, in id order. */
export async function pvProjects(pool: pg.Pool, s: PvProjectSelection): Promise<PvProjectRow[]> {
  const params: unknown[] = [];
  const where = projectConditions(s, params);
  const { rows } = await pool.query<PvProjectRecord>(`SELECT ${PROJECT_COLUMNS} FROM pv_project p ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.id`, params);
  return rows.map(pvProjectRow);
}

/** Projects by id (no access check: the caller's subscription kept only projects in scope). */
export function pvProjectsById(pool: pg.Pool, ids: readonly number[]): Promise<PvProjectRow[]> {
  return sqlRowsById(pool, { select: PROJECT_COLUMNS, from: 'pv_project p', column: 'p.id' }, ids, pvProjectRow);
}
