/**
 * Reference factors of docs/domain.md, each with its source. Data, not code: DRC adds
 * new versions through GraphQL, and these rows are only the starting point of the demo.
 */
const GB2589 = 'GB/T 2589-2020 General principles for calculation of the comprehensive energy consumption, reference coefficients';
const GHG = 'Guidelines for provincial GHG inventories (NCV x carbon content x oxidation rate x 44/12)';

export const DEMO_CONVERSION_FACTORS = [
  { carrier: 'ELECTRICITY', unit: 'KWH', value: 0.1229, source: `${GB2589}: electricity, calorific equivalent (当量值)` },
  { carrier: 'NATURAL_GAS', unit: 'M3', value: 1.2143, source: `${GB2589}: natural gas (range 1.1000 to 1.3300)` },
  { carrier: 'COAL', unit: 'KG', value: 0.7143, source: `${GB2589}: raw coal` },
  { carrier: 'DIESEL', unit: 'KG', value: 1.4571, source: `${GB2589}: diesel` },
  { carrier: 'GASOLINE', unit: 'KG', value: 1.4714, source: `${GB2589}: gasoline` },
  { carrier: 'LPG', unit: 'KG', value: 1.7143, source: `${GB2589}: liquefied petroleum gas` },
  { carrier: 'HEAT', unit: 'MJ', value: 0.03412, source: `${GB2589}: purchased heat` },
] as const;

export const DEMO_EMISSION_FACTORS = [
  { carrier: 'ELECTRICITY', region: null, scope: 'SCOPE2', unit: 'KWH', value: 0.5568, from: '2021-01-01', to: '2022-01-01', source: 'MEE and NBS announcement 2024 No. 12: national grid average emission factor, 2021' },
  { carrier: 'ELECTRICITY', region: null, scope: 'SCOPE2', unit: 'KWH', value: 0.5366, from: '2022-01-01', to: null, source: 'MEE and NBS, December 2024 release: national grid average emission factor, 2022' },
  { carrier: 'ELECTRICITY', region: '430000', scope: 'SCOPE2', unit: 'KWH', value: 0.5395, from: '2022-01-01', to: null, source: 'MEE and NBS, December 2024 release: Central China regional grid, 2022 (Hunan is in the Central China grid)' },
  { carrier: 'NATURAL_GAS', region: null, scope: 'SCOPE1', unit: 'M3', value: 2.1622, from: '2021-01-01', to: null, source: GHG },
  { carrier: 'DIESEL', region: null, scope: 'SCOPE1', unit: 'KG', value: 3.0959, from: '2021-01-01', to: null, source: GHG },
  { carrier: 'GASOLINE', region: null, scope: 'SCOPE1', unit: 'KG', value: 2.925, from: '2021-01-01', to: null, source: `${GHG}; NCV 43.07 GJ/t, 18.9 tC/TJ, 98% oxidation` },
  { carrier: 'LPG', region: null, scope: 'SCOPE1', unit: 'KG', value: 3.1013, from: '2021-01-01', to: null, source: GHG },
  { carrier: 'COAL', region: null, scope: 'SCOPE1', unit: 'KG', value: 1.9003, from: '2021-01-01', to: null, source: GHG },
  { carrier: 'HEAT', region: null, scope: 'SCOPE2', unit: 'MJ', value: 0.11, from: '2021-01-01', to: null, source: GHG },
] as const;

export const DEMO_UNIT_CONVERSIONS = [
  { carrier: 'DIESEL', from: 'L', to: 'KG', value: 0.85, source: 'Diesel density, 0.84 to 0.86 kg/L (midpoint)' },
  { carrier: 'GASOLINE', from: 'L', to: 'KG', value: 0.73, source: 'Gasoline density, 0.72 to 0.74 kg/L (midpoint)' },
  { carrier: 'WATER', from: 'T', to: 'M3', value: 1, source: 'Water bills in tonnes: 1 t = 1 m³' },
  { carrier: null, from: 'MWH', to: 'KWH', value: 1000, source: 'SI' },
  { carrier: null, from: 'T', to: 'KG', value: 1000, source: 'SI' },
  { carrier: null, from: 'GJ', to: 'MJ', value: 1000, source: 'SI' },
] as const;

/**
 * Quota standards of the demo. The Hunan figures were not found (docs/domain.md): these are
 * synthetic values in the form of DB37/T 2673-2019, set so that a handful of the departments
 * that run hot are over the constraint value in 2023.
 */
const QUOTA_SOURCE = 'Demo values (synthetic), in the form of DB37/T 2673-2019; the Hunan quota figures were not available';
export const DEMO_QUOTAS = [
  { category: 'GOVERNMENT_OFFICE', indicator: 'PER_CAPITA_ENERGY', constraint: 1100, baseline: 650, guide: 350 },
  { category: 'GOVERNMENT_OFFICE', indicator: 'ENERGY_PER_AREA', constraint: 8.5, baseline: 7, guide: 5.8 },
  { category: 'GOVERNMENT_OFFICE', indicator: 'PER_CAPITA_WATER', constraint: 36, baseline: 26, guide: 22.5 },
  { category: 'HOSPITAL', indicator: 'PER_CAPITA_ENERGY', constraint: 1300, baseline: 1100, guide: 1000 },
  { category: 'HOSPITAL', indicator: 'ENERGY_PER_AREA', constraint: 22, baseline: 19, guide: 17 },
  { category: 'HOSPITAL', indicator: 'PER_CAPITA_WATER', constraint: 90, baseline: 80, guide: 75 },
  { category: 'SCHOOL', indicator: 'PER_CAPITA_ENERGY', constraint: 150, baseline: 120, guide: 108 },
  { category: 'SCHOOL', indicator: 'ENERGY_PER_AREA', constraint: 7, baseline: 6, guide: 5.2 },
  { category: 'SCHOOL', indicator: 'PER_CAPITA_WATER', constraint: 20, baseline: 17, guide: 16 },
].map((q) => ({ ...q, source: QUOTA_SOURCE, issuer: q.indicator === 'PER_CAPITA_WATER' ? 'WATER' : 'DRC' }));

/** Points per status and the deduction per open rectification case. */
export const DEMO_SCORING_RULE = {
  name: 'Municipal appraisal scoring, 2021 onwards (demo)',
  points: { ADVANCED: 100, COMPLIANT: 90, ABOVE_BASELINE: 75, OVER_CONSTRAINT: 40, INSUFFICIENT_DATA: 60 },
  deduction: 5,
};
