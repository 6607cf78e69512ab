import { DEMO_INSTITUTIONS } from '../../src/demo/shaoyang.data';
import { DEMO_PV_PROJECTS } from '../../src/demo/solar.data';

// The case's published figures (docs/domain.md, rooftop PV): 43 projects by August 2023.
const CASE_PROJECTS = 43;
const CASE_INVESTMENT_YUAN = 48_950_000;
const CASE_ANNUAL_KWH = 8_650_000;
const CASE_ANNUAL_CO2_T = 6_266;
const TOLERANCE = 0.001;

const SHOWCASE_HOSPITALS = DEMO_INSTITUTIONS.filter((i) => i.key.startsWith('hosp-')).map((i) => i.key);
const institutionByKey = new Map(DEMO_INSTITUTIONS.map((i) => [i.key, i]));

/** Money as integer cents, never via floats. */
const cents = (yuan: string): bigint => BigInt(yuan.replace('.', ''));
const within = (actual: number, expected: number): boolean =>
  Math.abs(actual - expected) <= expected * TOLERANCE;

describe('DEMO_PV_PROJECTS', () => {
  it('has the case number of projects', () => {
    expect(DEMO_PV_PROJECTS).toHaveLength(CASE_PROJECTS);
  });

  it('adds up to the case totals within 0.1%', () => {
    const investmentCents = DEMO_PV_PROJECTS.reduce((sum, p) => sum + cents(p.investmentYuan), 0n);
    const kwh = DEMO_PV_PROJECTS.reduce((sum, p) => sum + p.expectedAnnualKwh, 0);
    const co2 = DEMO_PV_PROJECTS.reduce((sum, p) => sum + p.reportedAnnualCo2T, 0);
    expect(within(Number(investmentCents) / 100, CASE_INVESTMENT_YUAN)).toBe(true);
    expect(within(kwh, CASE_ANNUAL_KWH)).toBe(true);
    expect(within(co2, CASE_ANNUAL_CO2_T)).toBe(true);
  });

  it('keeps the overall reported CO2 ratio of the case (about 0.724 kg/kWh)', () => {
    const kwh = DEMO_PV_PROJECTS.reduce((sum, p) => sum + p.expectedAnnualKwh, 0);
    const co2 = DEMO_PV_PROJECTS.reduce((sum, p) => sum + p.reportedAnnualCo2T, 0);
    expect((co2 * 1000) / kwh).toBeCloseTo(0.724, 3);
  });

  it('puts every project on a known institution, at most 2 per institution', () => {
    const perInstitution = new Map<string, number>();
    for (const p of DEMO_PV_PROJECTS) {
      expect(institutionByKey.has(p.institution)).toBe(true);
      perInstitution.set(p.institution, (perInstitution.get(p.institution) ?? 0) + 1);
    }
    expect(Math.max(...perInstitution.values())).toBeLessThanOrEqual(2);
  });

  it('has unique names in both languages', () => {
    expect(new Set(DEMO_PV_PROJECTS.map((p) => p.name)).size).toBe(CASE_PROJECTS);
    expect(new Set(DEMO_PV_PROJECTS.map((p) => p.nameZh)).size).toBe(CASE_PROJECTS);
  });

  it.each(DEMO_PV_PROJECTS.map((p) => [p.name, p] as const))('%s has plausible figures', (_name, p) => {
    const floorAreaM2 = institutionByKey.get(p.institution)?.floorAreaM2 ?? 0;
    expect(p.capacityKw).toBeGreaterThanOrEqual(20);
    expect(p.capacityKw).toBeLessThanOrEqual(floorAreaM2 * 0.06);

    const specificYield = p.expectedAnnualKwh / p.capacityKw;
    expect(specificYield).toBeGreaterThanOrEqual(950);
    expect(specificYield).toBeLessThanOrEqual(1100);

    expect(p.investmentYuan).toMatch(/^\d+\.\d{2}$/);
    const yuanPerKwp = Number(cents(p.investmentYuan)) / 100 / p.capacityKw;
    expect(yuanPerKwp).toBeGreaterThanOrEqual(3500);
    expect(yuanPerKwp).toBeLessThanOrEqual(7000);

    const kgPerKwh = (p.reportedAnnualCo2T * 1000) / p.expectedAnnualKwh;
    expect(kgPerKwh).toBeGreaterThanOrEqual(0.7);
    expect(kgPerKwh).toBeLessThanOrEqual(0.75);
  });

  it('dates OPERATING projects between March 2021 and August 2023, others not commissioned', () => {
    const date = /^\d{4}-\d{2}-\d{2}$/;
    for (const p of DEMO_PV_PROJECTS) {
      expect(p.startedOn).toMatch(date);
      expect(p.startedOn <= '2023-08-31').toBe(true);
      if (p.status === 'OPERATING') {
        expect(p.commissionedOn).toMatch(date);
        const commissionedOn = p.commissionedOn ?? '';
        expect(commissionedOn >= '2021-03-01').toBe(true);
        expect(commissionedOn <= '2023-08-31').toBe(true);
        expect(p.startedOn < commissionedOn).toBe(true);
      } else {
        expect(p.commissionedOn).toBeNull();
      }
    }
  });

  it('has 33 OPERATING and 10 UNDER_CONSTRUCTION projects', () => {
    const operating = DEMO_PV_PROJECTS.filter((p) => p.status === 'OPERATING').length;
    expect(operating).toBe(33);
    expect(CASE_PROJECTS - operating).toBe(10);
  });

  it('gives each showcase hospital an OPERATING EPC-financed project', () => {
    expect(SHOWCASE_HOSPITALS).toHaveLength(4);
    for (const key of SHOWCASE_HOSPITALS) {
      expect(
        DEMO_PV_PROJECTS.some((p) => p.institution === key && p.status === 'OPERATING' && p.financing === 'EPC'),
      ).toBe(true);
    }
  });
});
