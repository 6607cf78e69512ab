import type pg from 'pg';
import { toGlobalId } from '../../global-id';
import { sqlKeyset, sqlRowsById, type PageWindow, type WindowRows } from '../../db/window';
import type { AuditTrigger, RecommendedMeasure } from './energy-audit.entity';
import type { EnergyAuditRow } from './audits.types';

/* SQL of the audits module: what ranking audit candidates reads, and audits as reads give them. */

/** Every institution's id, in order. */
export async function allInstitutionIds(pool: pg.Pool): Promise<number[]> {
  return (await pool.query<{ id: number }>('SELECT id FROM institution ORDER BY id')).rows.map((r) => r.id);
}

/** The day of each institution's latest energy audit (YYYY-MM-DD), by institution id. */
export async function lastAuditDays(pool: pg.Pool): Promise<Map<number, string>> {
  const { rows } = await pool.query<{ institution_id: number; last: string }>(
    `SELECT institution_id, to_char(max(audited_on), 'YYYY-MM-DD') AS last FROM energy_audit GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.institution_id, r.last]));
}

/* Energy audits as reads give them: plain rows (audits.types.ts), the key's scope in the statement. */

interface EnergyAuditRecord {
  id: number;
  institution_id: number;
  auditor: string;
  audited_on: string;
  triggers: AuditTrigger[];
  findings: string;
  measures: RecommendedMeasure[];
  suits_epc: boolean;
  created_by: string;
  created_at: Date;
}

// The day as text (YYYY-MM-DD, as the entity gives it) and the enum array as text[] (pg parses no enum array).
const AUDIT_COLUMNS = `id, institution_id, auditor, to_char(audited_on, 'YYYY-MM-DD') AS audited_on, triggers::text[] AS triggers, findings, measures, suits_epc, created_by, created_at`;

function energyAuditRow(r: EnergyAuditRecord): EnergyAuditRow {
  return {
    id: r.id,
    globalId: toGlobalId('EnergyAudit', r.id),
    institution: { id: r.institution_id },
    auditor: r.auditor,
    auditedOn: r.audited_on,
    triggers: r.triggers,
    findings: r.findings,
    measures: r.measures,
    suitsEpc: r.suits_epc,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

/** Which audits a read may give: the key's institutions (null: all), and of one institution when given. */
export interface AuditSelection {
  ids: number[] | null;
  institutionId: number | null;
}

function auditConditions(s: AuditSelection, params: unknown[]): string[] {
  const where: string[] = [];
  if (s.ids) where.push(`institution_id = ANY($${params.push(s.ids)}::int[])`);
  if (s.institutionId) where.push(`institution_id = $${params.push(s.institutionId)}`);
  return where;
}

/** A window of audits in id order, one statement; the count only when asked. */
export async function energyAuditWindow(pool: pg.Pool, s: AuditSelection, window: PageWindow): Promise<WindowRows<EnergyAuditRow>> {
  const params: unknown[] = [];
  const where = auditConditions(s, params);
  const countParams = [...params];
  const ks = sqlKeyset(window, 'id', params);
  const all = [...where, ...ks.where];
  const { rows } = await pool.query<EnergyAuditRecord>(
    `SELECT ${AUDIT_COLUMNS} FROM energy_audit ${all.length ? `WHERE ${all.join(' AND ')}` : ''} ORDER BY ${ks.orderBy} LIMIT ${window.size + 1}`,
    params,
  );
  return {
    rows: rows.map(energyAuditRow),
    count: async () => {
      const { rows: c } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM energy_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, countParams);
      return c[0].n;
    },
  };
}

/** One audit, if it is of the institutions `scope` (null: every institution). */
export async function energyAuditById(pool: pg.Pool, id: number, scope: number[] | null): Promise<EnergyAuditRow | null> {
  const [found] = await sqlRowsById(pool, { select: AUDIT_COLUMNS, from: 'energy_audit', column: 'id', scope: { column: 'institution_id', ids: scope } }, [id], energyAuditRow);
  return found ?? null;
}
