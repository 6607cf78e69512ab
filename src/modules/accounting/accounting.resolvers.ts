import { ClosingResolver, IndicatorsResolver, IndicatorUpdatedResolver, InstitutionIndicatorsResolver } from './accounting.resolver';

export const AccountingResolvers = [IndicatorsResolver, InstitutionIndicatorsResolver, ClosingResolver, IndicatorUpdatedResolver] as const;
