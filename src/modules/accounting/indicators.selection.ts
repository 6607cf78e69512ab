import type { GraphQLResolveInfo } from 'graphql';
import { nodeFieldNames } from '../../graphql/look-ahead';

/**
 * What a request asks of its Indicators, read from the selection before anything is fetched, so
 * a list computes only that: the headline figures in one statement, quotas only
 * for `compliance`, the fleet only for `fleet` and `targets`.
 */
export interface IndicatorNeeds {
  /** Every field asked is one the headline statements answer (indicators.repository.ts). */
  headlineInSql: boolean;
  compliance: boolean;
  fleet: boolean;
}

/** What callers without a selection (loaders, closing, alerts, assessments) get: everything. */
export const EVERYTHING: IndicatorNeeds = { headlineInSql: false, compliance: true, fleet: true };

/** Fields the headline statements answer, with those the view carries anyway and the ones resolved from its ids. */
const IN_SQL = new Set([
  '__typename', 'period', 'category', 'institutionCount', 'suppressed', 'closed', 'pendingRecalculation', 'institution', 'region',
  'energyKgce', 'waterM3', 'headcount', 'floorAreaM2', 'perCapitaEnergyKgce', 'energyPerAreaKgceM2', 'perCapitaWaterM3',
  'pvGenerationKwh', 'coverage', 'energyCoverage', 'waterCoverage', 'emissions',
]);
/** Fields the whole computation answers besides those; any other name (a field added later) asks for everything. */
const FULL_ONLY = new Set(['byCarrier', 'compliance', 'fleet', 'targets', 'conversionFactors', 'emissionFactors', 'unitConversions']);

/** The needs of a connection of Indicators (`nodes` and `edges { node }`) from its resolver's info. */
export function connectionNeeds(info: GraphQLResolveInfo): IndicatorNeeds {
  const names = nodeFieldNames(info);
  if ([...names].some((n) => !IN_SQL.has(n) && !FULL_ONLY.has(n))) return EVERYTHING;
  return {
    headlineInSql: [...names].every((n) => IN_SQL.has(n)),
    compliance: names.has('compliance'),
    fleet: names.has('fleet') || names.has('targets'),
  };
}
