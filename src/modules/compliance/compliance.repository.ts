import type pg from 'pg';
import { toGlobalId } from '../../global-id';
import { sqlWindow, type PageWindow, type WindowRows } from '../../db/window';
import type { InstitutionCategory } from '../registry/registry.enums';
import { RectificationStatus, type AlertDirection, type AssessmentStatus, type ComplianceStatus, type IndicatorKind } from './compliance.enums';
import type { EntryIndicator } from './assessment.entity';
import type {
  AlertRow,
  AssessmentEntryRow,
  AssessmentRoundRow,
  AssessmentSignatureRow,
  ComplianceAlertRow,
  QuotaStandardRow,
  RectificationCaseRow,
  RectificationEventRow,
  ScoringRuleRow,
} from './compliance.types';

/* SQL of the compliance module: rectification cases, alerts, and what an assessment round reads. */

/** Rows of `table` by id, one statement, made by `row` (the loaders behind node(id) and nodes(ids)). */
async function rowsOfIds<R extends pg.QueryResultRow, T>(pool: pg.Pool, table: string, columns: string, ids: readonly number[], row: (r: R) => T): Promise<T[]> {
  const { rows } = await pool.query<R>(`SELECT ${columns} FROM ${table} WHERE id = ANY($1::int[])`, [ids]);
  return rows.map(row);
}

export interface Breach {
  institutionId: number;
  indicator: IndicatorKind;
  value: number;
  constraintValue: number;
}

/** Days an institution has to find the cause and answer, from the day the case opens. */
export const RECTIFICATION_DAYS = 90;

/** Opens a case per breach of a closed year (in the caller's transaction); an existing case is kept. */
export async function openRectifications(client: pg.PoolClient, year: number, breaches: Breach[], actor: string): Promise<{ id: number; institution_id: number }[]> {
  if (!breaches.length) return [];
  const { rows } = await client.query<{ id: number; institution_id: number }>(
    `INSERT INTO rectification_case (institution_id, year, indicator, value, constraint_value, status, deadline)
     SELECT i, $1, k::indicator_kind, v, c, $6, (now() AT TIME ZONE 'UTC')::date + $7::int
       FROM unnest($2::int[], $3::text[], $4::float8[], $5::float8[]) AS u(i, k, v, c)
     ON CONFLICT (institution_id, year, indicator) DO NOTHING
     RETURNING id, institution_id`,
    [year, breaches.map((b) => b.institutionId), breaches.map((b) => b.indicator), breaches.map((b) => b.value), breaches.map((b) => b.constraintValue), RectificationStatus.OPEN, RECTIFICATION_DAYS],
  );
  if (rows.length) {
    await client.query(
      `INSERT INTO rectification_event (rectification_case_id, from_status, to_status, note, actor, at)
       SELECT id, NULL, $2, $3, $4, now() FROM unnest($1::int[]) AS id`,
      [rows.map((r) => r.id), RectificationStatus.OPEN, `opened when ${year} was closed: over the constraint value`, actor],
    );
  }
  return rows;
}

/** The last day with readings of each institution within [from, to), by institution. */
export async function lastReadingDays(pool: pg.Pool, institutionIds: readonly number[], from: string, to: string): Promise<{ institution_id: number; through: string }[]> {
  const { rows } = await pool.query<{ institution_id: number; through: string }>(
    // The last day per meter is one probe of meter_day's key, not a scan of the year's days.
    `SELECT m.institution_id, to_char(max(x.day), 'YYYY-MM-DD') AS through
       FROM meter m CROSS JOIN LATERAL (
              SELECT day FROM meter_day WHERE meter_id = m.id AND day >= $2::date AND day < $3::date ORDER BY day DESC LIMIT 1) x
      WHERE m.institution_id = ANY($1::int[])
      GROUP BY 1`,
    [institutionIds, from, to],
  );
  return rows;
}

/** The direction of the latest alert of a year for each institution and indicator. */
export async function latestAlertDirections(
  pool: pg.Pool,
  year: number,
  institutionIds: readonly number[],
): Promise<{ institution_id: number; indicator: IndicatorKind; direction: AlertDirection }[]> {
  const { rows } = await pool.query<{ institution_id: number; indicator: IndicatorKind; direction: AlertDirection }>(
    `SELECT DISTINCT ON (institution_id, indicator) institution_id, indicator, direction
       FROM compliance_alert WHERE year = $1 AND institution_id = ANY($2::int[]) ORDER BY institution_id, indicator, id DESC`,
    [year, institutionIds],
  );
  return rows;
}

/** Records an alert; returns its id. */
export async function insertAlert(pool: pg.Pool, a: AlertRow): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO compliance_alert (institution_id, year, indicator, direction, projected_value, year_to_date_value, constraint_value, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now()) RETURNING id`,
    [a.institutionId, a.year, a.indicator, a.direction, a.projectedValue, a.yearToDateValue, a.constraintValue],
  );
  return rows[0].id;
}

export async function isYearClosed(pool: pg.Pool, year: number): Promise<boolean> {
  return Boolean((await pool.query('SELECT 1 FROM year_closure WHERE year = $1', [year])).rowCount);
}

export interface AppraisalMemberRow {
  id: number;
  name: string;
  name_zh: string;
  credit_code: string;
}

/** The departments in the municipal appraisal, by id. */
export async function appraisalMembers(pool: pg.Pool): Promise<AppraisalMemberRow[]> {
  return (await pool.query<AppraisalMemberRow>('SELECT id, name, name_zh, credit_code FROM institution WHERE in_municipal_appraisal ORDER BY id')).rows;
}

/** Rectification cases of a year not yet accepted, counted by institution. */
export async function openRectificationCounts(pool: pg.Pool, year: number): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ institution_id: number; n: number }>(
    'SELECT institution_id, count(*)::int AS n FROM rectification_case WHERE status <> $1 AND year = $2 GROUP BY 1',
    [RectificationStatus.ACCEPTED, year],
  );
  return new Map(rows.map((r) => [r.institution_id, r.n]));
}

/* Quota standards and rectification cases as reads give them: plain rows (compliance.types.ts), the key's scope in the statement. */

interface QuotaRecord {
  id: number;
  issuer_id: number;
  region_id: number;
  category: InstitutionCategory;
  indicator: IndicatorKind;
  year_from: number;
  year_to: number | null;
  constraint_value: number;
  baseline_value: number | null;
  guide_value: number | null;
  source: string;
  created_at: Date;
  created_by: string;
}

const QUOTA_COLUMNS = 'id, issuer_id, region_id, category, indicator, year_from, year_to, constraint_value, baseline_value, guide_value, source, created_at, created_by';

const quotaRow = (r: QuotaRecord): QuotaStandardRow => ({
  id: r.id,
  globalId: toGlobalId('QuotaStandard', r.id),
  issuer: { id: r.issuer_id },
  region: { id: r.region_id },
  category: r.category,
  indicator: r.indicator,
  yearFrom: r.year_from,
  yearTo: r.year_to,
  constraintValue: r.constraint_value,
  baselineValue: r.baseline_value,
  guideValue: r.guide_value,
  source: r.source,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

/** Which quota standards a list reads: of one indicator, one category, in force in one year. */
export interface QuotaSelection {
  indicator?: IndicatorKind | null;
  category?: InstitutionCategory | null;
  year?: number | null;
}

/** A window of quota standards in id order, one statement; the count only when asked. */
export function quotaStandardWindow(pool: pg.Pool, s: QuotaSelection | undefined, window: PageWindow): Promise<WindowRows<QuotaStandardRow>> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (s?.indicator) where.push(`indicator = $${params.push(s.indicator)}`);
  if (s?.category) where.push(`category = $${params.push(s.category)}`);
  if (s?.year) {
    const y = `$${params.push(s.year)}::int`;
    where.push(`year_from <= ${y} AND (year_to IS NULL OR year_to >= ${y})`);
  }
  return sqlWindow(pool, { select: QUOTA_COLUMNS, from: 'quota_standard', where, params, column: 'id' }, window, quotaRow);
}

/** Every quota standard, one statement: the book compliance is judged by (QuotaBook). */
export async function everyQuotaStandard(pool: pg.Pool): Promise<QuotaStandardRow[]> {
  const { rows } = await pool.query<QuotaRecord>(`SELECT ${QUOTA_COLUMNS} FROM quota_standard`);
  return rows.map(quotaRow);
}

export const quotaStandardsById = (pool: pg.Pool, ids: readonly number[]): Promise<QuotaStandardRow[]> => rowsOfIds(pool, 'quota_standard', QUOTA_COLUMNS, ids, quotaRow);

interface CaseRecord {
  id: number;
  institution_id: number;
  year: number;
  indicator: IndicatorKind;
  value: number;
  constraint_value: number;
  status: RectificationStatus;
  cause: string | null;
  measures: string | null;
  deadline: string;
  opened_at: Date;
}

// The deadline as text (YYYY-MM-DD, as the entity gives it): pg would make a local-midnight Date of a `date`.
const CASE_COLUMNS = `id, institution_id, year, indicator, value, constraint_value, status, cause, measures, to_char(deadline, 'YYYY-MM-DD') AS deadline, opened_at`;

const caseRow = (r: CaseRecord): RectificationCaseRow => ({
  id: r.id,
  globalId: toGlobalId('RectificationCase', r.id),
  institution: { id: r.institution_id },
  year: r.year,
  indicator: r.indicator,
  value: r.value,
  constraintValue: r.constraint_value,
  status: r.status,
  cause: r.cause,
  measures: r.measures,
  deadline: r.deadline,
  openedAt: r.opened_at,
});

/** Which cases a list reads: the key's institutions (null: all) and the filter. */
export interface CaseSelection {
  ids: number[] | null;
  institutionId: number | null;
  year: number | null;
  status: RectificationStatus | null;
}

/** A window of rectification cases in id order, one statement; the count only when asked. */
export function rectificationCaseWindow(pool: pg.Pool, s: CaseSelection, window: PageWindow): Promise<WindowRows<RectificationCaseRow>> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (s.ids) where.push(`institution_id = ANY($${params.push(s.ids)}::int[])`);
  if (s.institutionId) where.push(`institution_id = $${params.push(s.institutionId)}`);
  if (s.year) where.push(`year = $${params.push(s.year)}`);
  if (s.status) where.push(`status = $${params.push(s.status)}`);
  return sqlWindow(pool, { select: CASE_COLUMNS, from: 'rectification_case', where, params, column: 'id' }, window, caseRow);
}

export const rectificationCasesById = (pool: pg.Pool, ids: readonly number[]): Promise<RectificationCaseRow[]> => rowsOfIds(pool, 'rectification_case', CASE_COLUMNS, ids, caseRow);

/** The steps of some cases, oldest first, one statement. */
export async function rectificationEventsOf(pool: pg.Pool, caseIds: readonly number[]): Promise<RectificationEventRow[]> {
  const { rows } = await pool.query<RectificationEventRow & { caseId: number }>(
    `SELECT rectification_case_id AS "caseId", from_status AS "fromStatus", to_status AS "toStatus", note, actor, at
       FROM rectification_event WHERE rectification_case_id = ANY($1::int[]) ORDER BY id`,
    [caseIds],
  );
  return rows;
}

/* Alerts and assessment rounds as reads give them: plain rows (compliance.types.ts). */

interface AlertRecord {
  id: number;
  institution_id: number;
  year: number;
  indicator: IndicatorKind;
  direction: AlertDirection;
  projected_value: number;
  year_to_date_value: number;
  constraint_value: number;
  at: Date;
}

const ALERT_COLUMNS = 'id, institution_id, year, indicator, direction, projected_value, year_to_date_value, constraint_value, at';

export const complianceAlertsById = (pool: pg.Pool, ids: readonly number[]): Promise<ComplianceAlertRow[]> =>
  rowsOfIds(pool, 'compliance_alert', ALERT_COLUMNS, ids, (r: AlertRecord) => ({
    id: r.id,
    globalId: toGlobalId('ComplianceAlert', r.id),
    institution: { id: r.institution_id },
    year: r.year,
    indicator: r.indicator,
    direction: r.direction,
    projectedValue: r.projected_value,
    yearToDateValue: r.year_to_date_value,
    constraintValue: r.constraint_value,
    at: r.at,
  }));

export const scoringRulesById = (pool: pg.Pool, ids: readonly number[]): Promise<ScoringRuleRow[]> =>
  rowsOfIds(pool, 'scoring_rule', 'id, name, points_by_status, deduction_per_open_rectification', ids, (r: { id: number; name: string; points_by_status: Record<ComplianceStatus, number>; deduction_per_open_rectification: number }) => ({
    id: r.id,
    globalId: toGlobalId('ScoringRule', r.id),
    name: r.name,
    pointsByStatus: r.points_by_status,
    deductionPerOpenRectification: r.deduction_per_open_rectification,
  }));

interface RoundRecord {
  id: number;
  year: number;
  status: AssessmentStatus;
  scoring_rule_id: number;
  opened_by: string;
  opened_at: Date;
  finalised_at: Date | null;
}

const ROUND_COLUMNS = 'id, year, status, scoring_rule_id, opened_by, opened_at, finalised_at';

const roundRow = (r: RoundRecord): AssessmentRoundRow => ({
  id: r.id,
  globalId: toGlobalId('AssessmentRound', r.id),
  year: r.year,
  status: r.status,
  scoringRule: { id: r.scoring_rule_id },
  openedBy: r.opened_by,
  openedAt: r.opened_at,
  finalisedAt: r.finalised_at,
});

/** The round of a year, if opened. */
export async function assessmentRoundOfYear(pool: pg.Pool, year: number): Promise<AssessmentRoundRow | null> {
  const { rows } = await pool.query<RoundRecord>(`SELECT ${ROUND_COLUMNS} FROM assessment_round WHERE year = $1`, [year]);
  return rows.length ? roundRow(rows[0]) : null;
}

export const assessmentRoundsById = (pool: pg.Pool, ids: readonly number[]): Promise<AssessmentRoundRow[]> => rowsOfIds(pool, 'assessment_round', ROUND_COLUMNS, ids, roundRow);

interface EntryRecord {
  id: number;
  institution_id: number;
  institution_name: string;
  institution_name_zh: string;
  credit_code: string;
  indicators: EntryIndicator[];
  energy_kgce: number | null;
  water_m3: number | null;
  open_rectifications: number;
  score: number;
  rank: number;
  comment: string | null;
}

const ENTRY_COLUMNS = 'id, institution_id, institution_name, institution_name_zh, credit_code, indicators, energy_kgce, water_m3, open_rectifications, score, rank, comment';

const entryRow = (r: EntryRecord): AssessmentEntryRow => ({
  id: r.id,
  globalId: toGlobalId('AssessmentEntry', r.id),
  institution: { id: r.institution_id },
  institutionName: r.institution_name,
  institutionNameZh: r.institution_name_zh,
  creditCode: r.credit_code,
  indicators: r.indicators,
  energyKgce: r.energy_kgce,
  waterM3: r.water_m3,
  openRectifications: r.open_rectifications,
  score: r.score,
  rank: r.rank,
  comment: r.comment,
});

/** A window of a round's entries by rank, then id, one statement; `ids`: the key's institutions (null: all). */
export function assessmentEntryWindow(pool: pg.Pool, roundId: number, ids: number[] | null, window: PageWindow): Promise<WindowRows<AssessmentEntryRow>> {
  const params: unknown[] = [roundId];
  const where = ['round_id = $1'];
  if (ids) where.push(`institution_id = ANY($${params.push(ids)}::int[])`);
  return sqlWindow(pool, { select: ENTRY_COLUMNS, from: 'assessment_entry', where, params, column: ['rank', 'id'] }, window, entryRow);
}

export const assessmentEntriesById = (pool: pg.Pool, ids: readonly number[]): Promise<AssessmentEntryRow[]> => rowsOfIds(pool, 'assessment_entry', ENTRY_COLUMNS, ids, entryRow);

/** The signatures of some rounds, in the order given, one statement. */
export async function assessmentSignaturesOf(pool: pg.Pool, roundIds: readonly number[]): Promise<AssessmentSignatureRow[]> {
  const { rows } = await pool.query<AssessmentSignatureRow>(
    `SELECT round_id AS "roundId", agency_code AS "agencyCode", signed_by AS "signedBy", signed_at AS "signedAt"
       FROM assessment_signature WHERE round_id = ANY($1::int[]) ORDER BY id`,
    [roundIds],
  );
  return rows;
}
