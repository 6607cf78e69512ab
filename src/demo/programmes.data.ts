/**
 * The demo's programmes: ESCOs, energy performance contracts at the four showcase hospitals
 * (and a few at other stages), energy audits. Synthetic, in the shape of the case in
 * docs/domain.md: the hospitals run EPC with monitoring and save 20% or more, which the
 * demo readings reflect (their electricity and gas fall by `cut` from `operatingFrom`).
 */
import { makeCreditCode } from '../modules/registry/credit-code';

export const DEMO_ESCOS = [
  { key: 'hunan-green', name: 'Hunan Green Energy Services Co., Ltd.', nameZh: '湖南绿能节能服务有限公司', creditCode: makeCreditCode('91', '430100', 7101) },
  { key: 'shaoyang-huineng', name: 'Shaoyang Huineng Energy Technology Co., Ltd.', nameZh: '邵阳汇能能源科技有限公司', creditCode: makeCreditCode('91', '430500', 7102) },
  { key: 'xiangjiang-esco', name: 'Xiangjiang Energy Performance Contracting Co., Ltd.', nameZh: '湘江合同能源管理有限公司', creditCode: makeCreditCode('91', '430100', 7103) },
] as const;

export interface DemoContract {
  institution: string;
  esco: string;
  title: string;
  titleZh: string;
  type: 'BENEFIT_SHARING' | 'GUARANTEED_SAVINGS' | 'ENERGY_COST_TRUSTEESHIP';
  status: 'DRAFT' | 'AUDITED' | 'APPROVED' | 'SIGNED' | 'IMPLEMENTING' | 'OPERATING' | 'TERMINATED';
  carriers: ('ELECTRICITY' | 'NATURAL_GAS')[];
  measures: { name: string; pillar: 'MANAGEMENT' | 'BEHAVIOUR' | 'TECHNOLOGY' | 'AUTOMATION' }[];
  termStart: string;
  termEnd: string;
  investmentYuan: string;
  escoShare: string | null;
  guaranteedSavingsRate: string | null;
  prices: Record<string, string>;
  baselineStart: string;
  /** Each transition's day, in lifecycle order up to `status`. */
  steps: string[];
  /** From this day the site's electricity and gas are multiplied by `cut` in the demo readings. */
  operatingFrom?: string;
  cut?: number;
  assets: { name: string; quantity: number; valueYuan: string }[];
  payments: { amountYuan: string; paidOn: string }[];
  /** Changes to the site that the baseline does not know (a wing opened, a ward closed), recorded as addNonRoutineEvent would. */
  nonRoutineEvents?: { from: string; to: string; adjustmentKgce: string; reason: string; recordedOn: string }[];
}

const HOSPITAL_MEASURES: DemoContract['measures'] = [
  { name: 'Energy monitoring platform and sub-metering', pillar: 'MANAGEMENT' },
  { name: 'Ward and office switch-off campaign', pillar: 'BEHAVIOUR' },
  { name: 'Air-source heat pumps for hot water; LED lighting', pillar: 'TECHNOLOGY' },
  { name: 'Chiller plant and AHU automatic control', pillar: 'AUTOMATION' },
];
const PRICES = { ELECTRICITY: '0.6532', NATURAL_GAS: '3.4500' };

export const DEMO_CONTRACTS: DemoContract[] = [
  {
    institution: 'hosp-longhui', esco: 'hunan-green', title: 'Longhui County People’s Hospital energy performance contract', titleZh: '隆回县人民医院合同能源管理项目', type: 'BENEFIT_SHARING', status: 'OPERATING',
    carriers: ['ELECTRICITY', 'NATURAL_GAS'], measures: HOSPITAL_MEASURES, termStart: '2022-07-01', termEnd: '2030-07-01', investmentYuan: '6850000.00',
    escoShare: '0.7000', guaranteedSavingsRate: null, prices: PRICES, baselineStart: '2021-07-01',
    steps: ['2022-03-10', '2022-04-20', '2022-06-15', '2022-07-01', '2022-10-01'], operatingFrom: '2022-10-01', cut: 0.74,
    assets: [{ name: 'Air-source heat pump units', quantity: 12, valueYuan: '2160000.00' }, { name: 'LED luminaires', quantity: 5400, valueYuan: '1350000.00' }, { name: 'Energy monitoring platform', quantity: 1, valueYuan: '880000.00' }],
    payments: [{ amountYuan: '150000.00', paidOn: '2023-04-20' }, { amountYuan: '160000.00', paidOn: '2023-07-20' }],
    // The 2023 wing (12,000 m², floor area 98,000 -> 110,000 m² in the profiles from 2023) uses energy
    // the baseline year never saw, and the hospital's meters carry it (LONGHUI_WING). Worked from the demo's own figures: the frozen baseline (2021-07-01
    // to 2022-07-01, 365 days) is 1,887,522.728 kgce on 98,000 m², so 1,887,522.728 / 98,000 / 365 =
    // 0.052768 kgce per m² a day; times 12,000 m² times the 547 days the wing operated in the demo's
    // data (2023-01-01 to 2024-06-30) = 346,371.238 kgce. Prorated by days, 2023 gets 365/547 of it:
    // 231,125.232 kgce, the baseline year's use per m² over the wing's floor for one year.
    nonRoutineEvents: [{ from: '2023-01-01', to: '2024-07-01', adjustmentKgce: '346371.238', reason: 'New wing of 12,000 m² in use from 2023-01-01: baseline kgce per m² a day x 12,000 m² x 547 days', recordedOn: '2023-02-15' }],
  },
  {
    institution: 'hosp-xinning', esco: 'shaoyang-huineng', title: 'Xinning County People’s Hospital energy performance contract', titleZh: '新宁县人民医院合同能源管理项目', type: 'GUARANTEED_SAVINGS', status: 'OPERATING',
    carriers: ['ELECTRICITY', 'NATURAL_GAS'], measures: HOSPITAL_MEASURES, termStart: '2022-09-01', termEnd: '2030-09-01', investmentYuan: '4280000.00',
    escoShare: null, guaranteedSavingsRate: '0.1800', prices: PRICES, baselineStart: '2021-09-01',
    steps: ['2022-05-12', '2022-06-30', '2022-08-20', '2022-09-01', '2022-12-01'], operatingFrom: '2022-12-01', cut: 0.77,
    assets: [{ name: 'Variable-speed chilled water pumps', quantity: 6, valueYuan: '960000.00' }, { name: 'LED luminaires', quantity: 3200, valueYuan: '800000.00' }],
    payments: [],
  },
  {
    institution: 'hosp-sy-no2', esco: 'hunan-green', title: 'Shaoyang No. 2 People’s Hospital energy performance contract', titleZh: '邵阳市第二人民医院合同能源管理项目', type: 'BENEFIT_SHARING', status: 'OPERATING',
    carriers: ['ELECTRICITY', 'NATURAL_GAS'], measures: HOSPITAL_MEASURES, termStart: '2022-04-01', termEnd: '2030-04-01', investmentYuan: '9650000.00',
    escoShare: '0.6500', guaranteedSavingsRate: null, prices: PRICES, baselineStart: '2021-04-01',
    steps: ['2021-12-15', '2022-02-10', '2022-03-20', '2022-04-01', '2022-07-01'], operatingFrom: '2022-07-01', cut: 0.76,
    assets: [{ name: 'Magnetic-bearing chillers', quantity: 2, valueYuan: '3400000.00' }, { name: 'Building automation system', quantity: 1, valueYuan: '1250000.00' }],
    payments: [{ amountYuan: '420000.00', paidOn: '2023-01-18' }],
  },
  {
    institution: 'hosp-dongkou-tcm', esco: 'xiangjiang-esco', title: 'Dongkou County Hospital of TCM energy cost trusteeship', titleZh: '洞口县中医院能源费用托管项目', type: 'ENERGY_COST_TRUSTEESHIP', status: 'OPERATING',
    carriers: ['ELECTRICITY', 'NATURAL_GAS'], measures: HOSPITAL_MEASURES, termStart: '2022-10-01', termEnd: '2029-10-01', investmentYuan: '2380000.00',
    escoShare: '0.6000', guaranteedSavingsRate: null, prices: PRICES, baselineStart: '2021-10-01',
    steps: ['2022-06-08', '2022-07-25', '2022-09-15', '2022-10-01', '2023-01-01'], operatingFrom: '2023-01-01', cut: 0.78,
    assets: [{ name: 'Steam boiler replaced by heat pumps', quantity: 4, valueYuan: '1180000.00' }],
    payments: [],
  },
  {
    institution: 'school-no1', esco: 'shaoyang-huineng', title: 'Shaoyang No. 1 Middle School lighting and heat-pump retrofit', titleZh: '邵阳市第一中学照明与热泵改造项目', type: 'BENEFIT_SHARING', status: 'APPROVED',
    carriers: ['ELECTRICITY'], measures: [{ name: 'LED lighting in classrooms', pillar: 'TECHNOLOGY' }, { name: 'Timed switching', pillar: 'AUTOMATION' }],
    termStart: '2024-09-01', termEnd: '2030-09-01', investmentYuan: '1260000.00', escoShare: '0.7500', guaranteedSavingsRate: null, prices: PRICES, baselineStart: '2023-09-01',
    steps: ['2024-03-18', '2024-05-06'], assets: [], payments: [],
  },
  {
    institution: 'public-security', esco: 'xiangjiang-esco', title: 'Shaoyang Public Security Bureau HVAC control', titleZh: '邵阳市公安局空调自动控制项目', type: 'GUARANTEED_SAVINGS', status: 'DRAFT',
    carriers: ['ELECTRICITY'], measures: [{ name: 'HVAC automatic control', pillar: 'AUTOMATION' }, { name: 'Duty-room energy rules', pillar: 'MANAGEMENT' }],
    termStart: '2024-10-01', termEnd: '2031-10-01', investmentYuan: '980000.00', escoShare: null, guaranteedSavingsRate: '0.1500', prices: PRICES, baselineStart: '2023-10-01',
    steps: [], assets: [], payments: [],
  },
];

export interface DemoAudit {
  institution: string;
  auditor: string;
  auditedOn: string;
  triggers: ('HIGH_CONSUMPTION' | 'LARGE_FLOOR_AREA' | 'MANY_OCCUPANTS' | 'PERIODIC' | 'EPC_PREPARATION')[];
  findings: string;
  suitsEpc: boolean;
  measures: { name: string; pillar: 'MANAGEMENT' | 'BEHAVIOUR' | 'TECHNOLOGY' | 'AUTOMATION'; estimatedSavingsKgce: number; costYuan: string }[];
}

const HOSPITAL_FINDINGS = 'Chillers and hot-water boilers run at fixed speed around the clock; no sub-metering by building; lighting mostly fluorescent.';
export const DEMO_AUDITS: DemoAudit[] = [
  { institution: 'hosp-longhui', auditor: 'Hunan Energy Conservation Monitoring Center', auditedOn: '2022-02-22', triggers: ['HIGH_CONSUMPTION', 'LARGE_FLOOR_AREA', 'EPC_PREPARATION'], findings: HOSPITAL_FINDINGS, suitsEpc: true,
    measures: [{ name: 'Heat pumps for hot water', pillar: 'TECHNOLOGY', estimatedSavingsKgce: 310_000, costYuan: '2400000.00' }, { name: 'Monitoring platform', pillar: 'MANAGEMENT', estimatedSavingsKgce: 90_000, costYuan: '880000.00' }] },
  { institution: 'hosp-xinning', auditor: 'Hunan Energy Conservation Monitoring Center', auditedOn: '2022-04-28', triggers: ['HIGH_CONSUMPTION', 'EPC_PREPARATION'], findings: HOSPITAL_FINDINGS, suitsEpc: true,
    measures: [{ name: 'Variable-speed pumps', pillar: 'TECHNOLOGY', estimatedSavingsKgce: 160_000, costYuan: '960000.00' }] },
  { institution: 'hosp-sy-no2', auditor: 'Shaoyang Energy Audit Institute', auditedOn: '2021-11-30', triggers: ['HIGH_CONSUMPTION', 'LARGE_FLOOR_AREA', 'MANY_OCCUPANTS', 'EPC_PREPARATION'], findings: HOSPITAL_FINDINGS, suitsEpc: true,
    measures: [{ name: 'Magnetic-bearing chillers', pillar: 'TECHNOLOGY', estimatedSavingsKgce: 420_000, costYuan: '3400000.00' }, { name: 'Building automation', pillar: 'AUTOMATION', estimatedSavingsKgce: 150_000, costYuan: '1250000.00' }] },
  { institution: 'hosp-dongkou-tcm', auditor: 'Shaoyang Energy Audit Institute', auditedOn: '2022-05-17', triggers: ['HIGH_CONSUMPTION', 'EPC_PREPARATION'], findings: HOSPITAL_FINDINGS, suitsEpc: true,
    measures: [{ name: 'Replace the steam boiler', pillar: 'TECHNOLOGY', estimatedSavingsKgce: 120_000, costYuan: '1180000.00' }] },
  { institution: 'school-no1', auditor: 'Shaoyang Energy Audit Institute', auditedOn: '2024-02-26', triggers: ['LARGE_FLOOR_AREA', 'MANY_OCCUPANTS', 'EPC_PREPARATION'], findings: 'Classroom lighting is T8 fluorescent; lights left on during breaks.', suitsEpc: true,
    measures: [{ name: 'LED lighting', pillar: 'TECHNOLOGY', estimatedSavingsKgce: 45_000, costYuan: '1100000.00' }] },
  { institution: 'party-school', auditor: 'Hunan Energy Conservation Monitoring Center', auditedOn: '2023-06-14', triggers: ['PERIODIC', 'LARGE_FLOOR_AREA'], findings: 'Guest-house hot water by electric heaters; HVAC set points not enforced.', suitsEpc: false,
    measures: [{ name: 'Set-point policy', pillar: 'MANAGEMENT', estimatedSavingsKgce: 12_000, costYuan: '20000.00' }] },
];
