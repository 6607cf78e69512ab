import { registerEnumType } from 'type-graphql';

/** GB/T 24915 contract types. */
export enum EpcType {
  /** 节能效益分享型: the ESCO takes an agreed share of measured savings. */
  BENEFIT_SHARING = 'BENEFIT_SHARING',
  /** 节能量保证型: the ESCO guarantees a savings rate and pays any shortfall. */
  GUARANTEED_SAVINGS = 'GUARANTEED_SAVINGS',
  /** 能源费用托管型: the ESCO runs the energy budget. */
  ENERGY_COST_TRUSTEESHIP = 'ENERGY_COST_TRUSTEESHIP',
  /** 融资租赁型 */
  FINANCE_LEASE = 'FINANCE_LEASE',
  /** 混合型 */
  HYBRID = 'HYBRID',
}

export enum EpcStatus {
  DRAFT = 'DRAFT',
  AUDITED = 'AUDITED',
  APPROVED = 'APPROVED',
  SIGNED = 'SIGNED',
  IMPLEMENTING = 'IMPLEMENTING',
  OPERATING = 'OPERATING',
  HANDED_OVER = 'HANDED_OVER',
  TERMINATED = 'TERMINATED',
}

/** The four pillars of savings in the programme. */
export enum SavingsPillar {
  MANAGEMENT = 'MANAGEMENT',
  BEHAVIOUR = 'BEHAVIOUR',
  TECHNOLOGY = 'TECHNOLOGY',
  AUTOMATION = 'AUTOMATION',
}

/** What the baseline is scaled by when the site changes (IPMVP routine adjustments). */
export enum BaselineDriver {
  NONE = 'NONE',
  FLOOR_AREA = 'FLOOR_AREA',
  HEADCOUNT = 'HEADCOUNT',
}

export enum SettlementPeriod {
  MONTH = 'MONTH',
  QUARTER = 'QUARTER',
}

registerEnumType(EpcType, { name: 'EpcType', description: 'Energy performance contract types (GB/T 24915).' });
registerEnumType(EpcStatus, { name: 'EpcStatus' });
registerEnumType(SavingsPillar, { name: 'SavingsPillar' });
registerEnumType(BaselineDriver, { name: 'BaselineDriver' });
registerEnumType(SettlementPeriod, { name: 'SettlementPeriod' });
