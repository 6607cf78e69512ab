import type { Context } from '../../graphql/context';
import { institutionRowNode, scopedRowNode, type NodeFetcher, type NodeFetchers } from '../../graphql/node-fetcher';
import { asNode } from '../../graphql/relay';
import { alertReader } from './alerts.service';

/** A row read by `load` (the request's loader: batched for nodes(ids)), marked as an object of `type`. */
const loadedRow = <T extends object>(type: string, load: (id: number, ctx: Context) => Promise<T | null>): NodeFetcher => ({
  async fetch(id, ctx) {
    const row = await load(Number(id), ctx);
    return row && asNode(type, row);
  },
});

/** Compliance's types as `node(id)` fetches them: plain rows through the request's loaders. */
export const complianceNodes: NodeFetchers = {
  QuotaStandard: loadedRow('QuotaStandard', (id, ctx) => ctx.loaders.quotaStandardById.load(id)),
  RectificationCase: institutionRowNode('RectificationCase', (id, ctx) => ctx.loaders.rectificationCaseById.load(id), 'rectification'),
  // Under the rule of the alert's own indicator, as the subscription hears it.
  ComplianceAlert: scopedRowNode('ComplianceAlert', (id, ctx) => ctx.loaders.complianceAlertById.load(id), (row, ctx) =>
    alertReader(ctx.principal)({ indicator: row.indicator, institutionId: row.institution.id }),
  ),
  ScoringRule: loadedRow('ScoringRule', (id, ctx) => ctx.loaders.scoringRuleById.load(id)),
  AssessmentRound: loadedRow('AssessmentRound', (id, ctx) => ctx.loaders.assessmentRoundById.load(id)),
  AssessmentEntry: institutionRowNode('AssessmentEntry', (id, ctx) => ctx.loaders.assessmentEntryById.load(id), 'assessment'),
};
