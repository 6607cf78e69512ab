import { institutionRowNode, loadedNode, scopedRowNode, type NodeFetchers } from '../../graphql/node-fetcher';
import { alertReader } from './alerts.service';

/** Compliance's types as `node(id)` fetches them: plain rows through the request's loaders. */
export const complianceNodes: NodeFetchers = {
  QuotaStandard: loadedNode('QuotaStandard', (id, ctx) => ctx.loaders.quotaStandardById.load(id)),
  RectificationCase: institutionRowNode('RectificationCase', (id, ctx) => ctx.loaders.rectificationCaseById.load(id), 'rectification'),
  // Under the rule of the alert's own indicator, as the subscription hears it.
  ComplianceAlert: scopedRowNode('ComplianceAlert', (id, ctx) => ctx.loaders.complianceAlertById.load(id), (row, ctx) =>
    alertReader(ctx.principal)({ indicator: row.indicator, institutionId: row.institution.id }),
  ),
  ScoringRule: loadedNode('ScoringRule', (id, ctx) => ctx.loaders.scoringRuleById.load(id)),
  AssessmentRound: loadedNode('AssessmentRound', (id, ctx) => ctx.loaders.assessmentRoundById.load(id)),
  AssessmentEntry: institutionRowNode('AssessmentEntry', (id, ctx) => ctx.loaders.assessmentEntryById.load(id), 'assessment'),
};
