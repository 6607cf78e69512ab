import DataLoader from 'dataloader';
import type pg from 'pg';
import { byKey, groupByKey } from '../../graphql/batch';
import type { LoaderOptions } from '../registry/registry.loaders';
import {
  assessmentEntriesById,
  assessmentRoundsById,
  assessmentSignaturesOf,
  complianceAlertsById,
  quotaStandardsById,
  rectificationCasesById,
  rectificationEventsOf,
  scoringRulesById,
} from './compliance.repository';
import type { AssessmentSignatureRow, RectificationEventRow } from './compliance.types';

/**
 * A list of rectification cases with their history, or of rounds with their signatures and rule,
 * costs one statement per field, not one per parent; node(id) and nodes(ids) read through the byId
 * loaders (one statement per type for a batch). Plain rows.
 */
export function complianceLoaders(pool: pg.Pool, opts: LoaderOptions) {
  const byId = <T extends { id: number }>(read: (pool: pg.Pool, ids: readonly number[]) => Promise<T[]>) =>
    new DataLoader<number, T | null>(async (ids) => byKey(ids, await read(pool, ids), (r) => r.id), opts);
  return {
    rectificationHistory: new DataLoader<number, RectificationEventRow[]>(async (ids) => groupByKey(ids, await rectificationEventsOf(pool, ids), (e) => e.caseId), opts),
    assessmentSignatures: new DataLoader<number, AssessmentSignatureRow[]>(async (ids) => groupByKey(ids, await assessmentSignaturesOf(pool, ids), (s) => s.roundId), opts),
    quotaStandardById: byId(quotaStandardsById),
    rectificationCaseById: byId(rectificationCasesById),
    complianceAlertById: byId(complianceAlertsById),
    scoringRuleById: byId(scoringRulesById),
    assessmentRoundById: byId(assessmentRoundsById),
    assessmentEntryById: byId(assessmentEntriesById),
  };
}
