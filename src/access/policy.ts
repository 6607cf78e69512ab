/**
 * Who may read and write what: ARCHITECTURE.md section 2 as data. This is the
 * one place that says it; the guard reads it, resolvers and services only name
 * the resource they touch.
 */

/** The kinds of key holders: the five agencies, PUBLIC, an institution, an ESCO. */
export type Subject = 'GOA' | 'DRC' | 'FINANCE' | 'WATER' | 'HOUSING' | 'PUBLIC' | 'INSTITUTION' | 'ESCO';
export const SUBJECTS: Subject[] = ['GOA', 'DRC', 'FINANCE', 'WATER', 'HOUSING', 'PUBLIC', 'INSTITUTION', 'ESCO'];

export type Resource =
  /** names, category, region: what even PUBLIC sees */
  | 'institution'
  /** credit code, appraisal membership, the yearly profiles */
  | 'institutionDetail'
  | 'profile'
  | 'energyMeter'
  | 'waterMeter'
  | 'apiKey'
  /** conversion and emission factors, unit conversions */
  | 'factor'
  | 'energyQuota'
  | 'waterQuota'
  /** energy figures of an institution: kgce, per-capita and per-m² energy, CO2, PV */
  | 'energyIndicator'
  /** water figures of an institution */
  | 'waterIndicator'
  /** rectification cases: the institution responds, GOA accepts or returns */
  | 'rectification'
  /** closing a year, recalculating a closed one */
  | 'yearClosure'
  | 'assessment'
  /** signing an assessment round (GOA, DRC, FINANCE) */
  | 'assessmentSignature'
  | 'epcContract'
  /** investment, prices, settlement values and payments */
  | 'money'
  | 'energyAudit'
  | 'pvProject'
  /** investment of PV projects (FINANCE may correct it) */
  | 'pvMoney';

/**
 * all: every row; own: rows of the key's own institution; contract: rows of the
 * sites under the ESCO's contracts; aggregate: sums only, never one row.
 */
export type Scope = 'all' | 'own' | 'contract' | 'aggregate';

export interface Grant {
  read?: Scope;
  write?: Scope;
  /** When set, a write may only touch these input fields. */
  writableFields?: readonly string[];
}

const R: Grant = { read: 'all' };
const RW: Grant = { read: 'all', write: 'all' };
const OWN_RW: Grant = { read: 'own', write: 'own' };
const NONE: Grant = {};

export const POLICY: Record<Resource, Record<Subject, Grant>> = {
  institution: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'contract' }, PUBLIC: R,
  },
  institutionDetail: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'contract' }, PUBLIC: NONE,
  },
  profile: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R,
    // Housing owns building data: it may correct floor areas, not headcounts.
    HOUSING: { read: 'all', write: 'all', writableFields: ['floorAreaM2', 'heatedAreaM2', 'cooledAreaM2'] },
    INSTITUTION: OWN_RW, ESCO: { read: 'contract' }, PUBLIC: NONE,
  },
  energyMeter: {
    GOA: RW, DRC: R, FINANCE: R, WATER: NONE, HOUSING: R,
    INSTITUTION: OWN_RW, ESCO: { read: 'contract' }, PUBLIC: { read: 'aggregate' },
  },
  waterMeter: {
    GOA: RW, DRC: R, FINANCE: R, WATER: RW, HOUSING: R,
    INSTITUTION: OWN_RW, ESCO: NONE, PUBLIC: { read: 'aggregate' },
  },
  factor: {
    GOA: R, DRC: RW, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: R, ESCO: R, PUBLIC: R,
  },
  energyQuota: {
    GOA: R, DRC: RW, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: R, ESCO: NONE, PUBLIC: R,
  },
  waterQuota: {
    GOA: R, DRC: R, FINANCE: R, WATER: RW, HOUSING: R,
    INSTITUTION: R, ESCO: NONE, PUBLIC: R,
  },
  energyIndicator: {
    GOA: R, DRC: R, FINANCE: R, WATER: NONE, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: NONE, PUBLIC: { read: 'aggregate' },
  },
  waterIndicator: {
    GOA: R, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: NONE, PUBLIC: { read: 'aggregate' },
  },
  rectification: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: OWN_RW, ESCO: NONE, PUBLIC: NONE,
  },
  yearClosure: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: R, ESCO: NONE, PUBLIC: NONE,
  },
  assessment: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: NONE, PUBLIC: NONE,
  },
  assessmentSignature: {
    GOA: RW, DRC: RW, FINANCE: RW, WATER: R, HOUSING: R,
    INSTITUTION: NONE, ESCO: NONE, PUBLIC: NONE,
  },
  // FINANCE's writes (approval, payments) and the ESCO's (assets) are narrowed in the EPC service.
  epcContract: {
    GOA: RW, DRC: R, FINANCE: RW, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'contract', write: 'contract' }, PUBLIC: NONE,
  },
  money: {
    GOA: R, DRC: R, FINANCE: RW, WATER: NONE, HOUSING: NONE,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'contract' }, PUBLIC: NONE,
  },
  energyAudit: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'contract' }, PUBLIC: NONE,
  },
  pvProject: {
    GOA: RW, DRC: R, FINANCE: R, WATER: NONE, HOUSING: RW,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'contract' }, PUBLIC: { read: 'aggregate' },
  },
  pvMoney: {
    GOA: R, DRC: R, FINANCE: RW, WATER: NONE, HOUSING: NONE,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'contract' }, PUBLIC: NONE,
  },
  // Only GOA admins manage keys (the role check is in the guard).
  apiKey: {
    GOA: RW, DRC: NONE, FINANCE: NONE, WATER: NONE, HOUSING: NONE,
    INSTITUTION: NONE, ESCO: NONE, PUBLIC: NONE,
  },
};

/** Resources whose writes need the admin role rather than editor. */
export const ADMIN_ONLY: ReadonlySet<Resource> = new Set<Resource>(['apiKey']);
