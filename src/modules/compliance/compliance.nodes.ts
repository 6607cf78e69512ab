import { institutionRowNode, rowNode, type NodeFetchers } from '../../graphql/node-fetcher';
import { AssessmentEntry, AssessmentRound, ScoringRule } from './assessment.entity';
import { ComplianceAlert } from './compliance-alert.entity';
import { QuotaStandard } from './quota-standard.entity';
import { RectificationCase } from './rectification.entity';

/** Compliance's types as `node(id)` fetches them. */
export const complianceNodes: NodeFetchers = {
  QuotaStandard: rowNode(QuotaStandard, { prefetched: true }),
  RectificationCase: institutionRowNode(RectificationCase, 'rectification'),
  ComplianceAlert: institutionRowNode(ComplianceAlert, 'energyIndicator', 'waterIndicator'),
  ScoringRule: rowNode(ScoringRule, { prefetched: true }),
  AssessmentRound: rowNode(AssessmentRound, { prefetched: true }),
  AssessmentEntry: institutionRowNode(AssessmentEntry, 'assessment'),
};
