import { monthsOf, type Period } from './period';
import type { ComplianceStatus, IndicatorKind } from './queries';

export type Lang = 'zh' | 'en';

const zh = {
  title: '公共机构能耗·水耗·碳排放监测',
  signInTitle: '使用 API 密钥登录',
  keyLabel: 'API 密钥',
  signIn: '登录',
  signOut: '退出',
  badKey: '密钥无效或已吊销',
  networkError: '无法连接服务器',
  year: '年度',
  through: '截至',
  live: '实时',
  connecting: '连接中',
  offline: '已断开',
  lastEvent: '最新入库',
  cityTitle: '全市指标',
  institutions: '家机构',
  coverage: '数据覆盖',
  yearElapsed: '年度进度',
  rankingTitle: '机构排名：定额对标',
  rank: '排名',
  institution: '机构',
  ytdValue: '年初至今',
  wholeYear: '全年',
  projectedShort: '预测',
  projectedNote: '全年状态按年初至今数据预测',
  constraint: '约束值',
  progress: '约束值进度',
  status: '状态',
  alertsTitle: '合规预警',
  noAlerts: '暂无预警，新的预警将实时出现',
  crossedAbove: '预计超过约束值',
  backUnder: '回落至约束值以下',
  projected: '全年预测',
  pvTitle: '屋顶光伏项目',
  projects: '项目数',
  operating: '运行中',
  capacity: '装机容量',
  investment: '投资',
  expected: '预期年发电量',
  actualYtd: '实际发电',
  actual12: '近12个月发电',
  avoidedCo2: '减排 CO₂',
  reportedCo2: '申报年减排',
  liveGeneration: '实时发电',
  noGeneration: '等待发电数据…',
  epcTitle: '合同能源管理：节能量',
  contract: '合同',
  savingsKgce: '节能量',
  savingsRate: '节能率',
  flagged: '数据不足',
  forbidden: '此密钥无权查看',
  loading: '加载中…',
  failed: '加载失败',
  language: 'English',
  overPace: '超进度',
  PER_CAPITA_ENERGY: '人均综合能耗',
  ENERGY_PER_AREA: '单位建筑面积能耗',
  PER_CAPITA_WATER: '人均用水量',
  ADVANCED: '先进',
  COMPLIANT: '达标',
  ABOVE_BASELINE: '高于基准',
  OVER_CONSTRAINT: '超约束值',
  INSUFFICIENT_DATA: '数据不足',
  DRAFT: '草拟',
  AUDITED: '已审计',
  APPROVED: '已批准',
  SIGNED: '已签约',
  IMPLEMENTING: '实施中',
  OPERATING: '运行中',
  HANDED_OVER: '已移交',
  TERMINATED: '已终止',
  notOperating: '未运行，暂无节能量',
  fleetTitle: '公务用车与资源回收',
  fleetHeading: '公务用车',
  vehiclesAtEnd: '车辆数（期末）',
  nevShare: '新能源车占比',
  nevShareOfAdded: '新增车辆中新能源占比',
  vehicleEnergy: '车辆能耗',
  vehicleCo2: '车辆碳排放',
  per100Km: '百公里能耗',
  co2Per100Km: '百公里碳排放',
  recyclingHeading: '资源回收',
  recyclingRate: '回收率',
  recycled: '回收量',
  stream: '类别',
  total: '合计',
  targetsHeading: '城市目标',
  targetKind: '目标',
  target: '目标值',
  reached: '实际',
  suppressed: '机构数不足，数据不予公开',
  noRecycling: '本期暂无回收记录',
  NEV_SHARE_OF_ADDED: '新增车辆中新能源占比',
  RECYCLING_RATE: '资源回收率',
  MET: '已达标',
  BELOW: '未达标',
  NO_DATA: '暂无数据',
  NOT_MEASURED: '暂未测算',
  PAPER: '纸类',
  PLASTICS: '塑料',
  METALS: '金属',
  GLASS: '玻璃',
  E_WASTE: '电子废弃物',
  KITCHEN_WASTE: '厨余垃圾',
  OTHER: '其他',
} as const;

export type TextKey = keyof typeof zh;

const en: Record<TextKey, string> = {
  title: 'Public institutions: energy, water and carbon',
  signInTitle: 'Sign in with an API key',
  keyLabel: 'API key',
  signIn: 'Sign in',
  signOut: 'Sign out',
  badKey: 'The key is not valid or was revoked',
  networkError: 'Cannot reach the server',
  year: 'Year',
  through: 'through',
  live: 'Live',
  connecting: 'Connecting',
  offline: 'Disconnected',
  lastEvent: 'Last ingest',
  cityTitle: 'City indicators',
  institutions: 'institutions',
  coverage: 'Data coverage',
  yearElapsed: 'Year elapsed',
  rankingTitle: 'Institutions against the quota',
  rank: 'Rank',
  institution: 'Institution',
  ytdValue: 'Year to date',
  wholeYear: 'Whole year',
  projectedShort: 'projected',
  projectedNote: 'Statuses for the whole year, projected from the year to date',
  constraint: 'Constraint',
  progress: 'Progress to constraint',
  status: 'Status',
  alertsTitle: 'Compliance alerts',
  noAlerts: 'No alerts yet; new ones appear live',
  crossedAbove: 'projected over the constraint value',
  backUnder: 'back under the constraint value',
  projected: 'projected year',
  pvTitle: 'Rooftop PV programme',
  projects: 'Projects',
  operating: 'Operating',
  capacity: 'Capacity',
  investment: 'Investment',
  expected: 'Expected per year',
  actualYtd: 'Generation',
  actual12: 'Generation, last 12 months',
  avoidedCo2: 'CO₂ avoided',
  reportedCo2: 'Reported CO₂ cut per year',
  liveGeneration: 'Live generation',
  noGeneration: 'Waiting for generation readings…',
  epcTitle: 'Energy performance contracts: savings',
  contract: 'Contract',
  savingsKgce: 'Savings',
  savingsRate: 'Savings rate',
  flagged: 'Data insufficient',
  forbidden: 'This key may not see this',
  loading: 'Loading…',
  failed: 'Could not load',
  language: '中文',
  overPace: 'ahead of pace',
  PER_CAPITA_ENERGY: 'Energy per person',
  ENERGY_PER_AREA: 'Energy per m²',
  PER_CAPITA_WATER: 'Water per person',
  ADVANCED: 'Advanced',
  COMPLIANT: 'Compliant',
  ABOVE_BASELINE: 'Above baseline',
  OVER_CONSTRAINT: 'Over constraint',
  INSUFFICIENT_DATA: 'Insufficient data',
  DRAFT: 'Draft',
  AUDITED: 'Audited',
  APPROVED: 'Approved',
  SIGNED: 'Signed',
  IMPLEMENTING: 'Implementing',
  OPERATING: 'Operating',
  HANDED_OVER: 'Handed over',
  TERMINATED: 'Terminated',
  notOperating: 'Not operating yet: no savings',
  fleetTitle: 'Official fleet and recycling',
  fleetHeading: 'Official fleet',
  vehiclesAtEnd: 'Vehicles (end of period)',
  nevShare: 'New-energy share',
  nevShareOfAdded: 'New-energy share of vehicles added',
  vehicleEnergy: 'Vehicle energy',
  vehicleCo2: 'Vehicle CO₂',
  per100Km: 'Energy per 100 km',
  co2Per100Km: 'CO₂ per 100 km',
  recyclingHeading: 'Recycling',
  recyclingRate: 'Recycling rate',
  recycled: 'Recycled',
  stream: 'Stream',
  total: 'Total',
  targetsHeading: 'City targets',
  targetKind: 'Target',
  target: 'Target value',
  reached: 'Reached',
  suppressed: 'Withheld: too few institutions to publish',
  noRecycling: 'No recycling records in the period',
  NEV_SHARE_OF_ADDED: 'New-energy share of vehicles added',
  RECYCLING_RATE: 'Recycling rate',
  MET: 'Met',
  BELOW: 'Below target',
  NO_DATA: 'No data yet',
  NOT_MEASURED: 'Not measured yet',
  PAPER: 'Paper',
  PLASTICS: 'Plastics',
  METALS: 'Metals',
  GLASS: 'Glass',
  E_WASTE: 'E-waste',
  KITCHEN_WASTE: 'Kitchen waste',
  OTHER: 'Other',
};

const TABLE: Record<Lang, Record<TextKey, string>> = { zh, en };

export const UNIT: Record<IndicatorKind, string> = {
  PER_CAPITA_ENERGY: 'kgce/人',
  ENERGY_PER_AREA: 'kgce/m²',
  PER_CAPITA_WATER: 'm³/人',
};
const UNIT_EN: Record<IndicatorKind, string> = {
  PER_CAPITA_ENERGY: 'kgce/person',
  ENERGY_PER_AREA: 'kgce/m²',
  PER_CAPITA_WATER: 'm³/person',
};

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const METER_UNIT: Record<string, string> = { KWH: 'kWh', MWH: 'MWh', M3: 'm³', GJ: 'GJ', MJ: 'MJ', KG: 'kg', T: 't', L: 'L' };

/** Labels, units and numbers in one language. */
export class I18n {
  private readonly numbers: Intl.NumberFormat;

  constructor(readonly lang: Lang) {
    this.numbers = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: 1 });
  }

  t(key: TextKey | IndicatorKind | ComplianceStatus): string {
    return TABLE[this.lang][key];
  }

  unit(kind: IndicatorKind): string {
    return (this.lang === 'zh' ? UNIT : UNIT_EN)[kind];
  }

  /** One decimal for ratios, none for totals. */
  num(value: number | null | undefined, digits = 1): string {
    if (value === null || value === undefined || Number.isNaN(value)) return '—';
    return digits === 1 ? this.numbers.format(value) : value.toLocaleString(this.lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: digits });
  }

  percent(share: number | null | undefined): string {
    return share === null || share === undefined ? '—' : `${this.num(share * 100)}%`;
  }

  /** Large amounts: 万 in Chinese, thousands and millions in English. */
  big(value: number | null | undefined, unit: string): string {
    if (value === null || value === undefined) return '—';
    if (this.lang === 'zh') return value >= 1e4 ? `${this.num(value / 1e4)} 万${unit}` : `${this.num(value)} ${unit}`;
    if (value >= 1e6) return `${this.num(value / 1e6)} m ${unit}`;
    if (value >= 1e3) return `${this.num(value / 1e3)} k ${unit}`;
    return `${this.num(value)} ${unit}`;
  }

  /** What the figures on screen cover: the year to date of a year in progress, the whole year, or its first months. */
  span(p: Period): string {
    if (p.inProgress) return this.t('ytdValue');
    const months = monthsOf(p);
    if (months === 12) return this.t('wholeYear');
    return this.lang === 'zh' ? `1–${months}月` : `Jan–${MONTHS_EN[months - 1]}`;
  }

  /** A label with what it covers: 全市指标（全年）, City indicators (whole year). */
  titled(label: string, what: string): string {
    return this.lang === 'zh' ? `${label}（${what}）` : `${label} (${what.toLowerCase()})`;
  }

  /** An enum value from the server (a contract's status, a waste stream, a target's kind or status) in words; one this table lacks shows as sent. */
  term(value: string): string {
    return value in zh ? TABLE[this.lang][value as TextKey] : value;
  }

  /** A meter's unit as people write it (DOMAIN notes): kWh, m³, never the enum's KWH or M3. */
  meterUnit(unit: string): string {
    return METER_UNIT[unit] ?? unit;
  }

  yuan(value: number | null | undefined): string {
    return this.big(value, this.lang === 'zh' ? '元' : 'yuan');
  }

  /** An institution's or project's name in the page's language. */
  name(x: { name: string; nameZh: string }): string {
    return this.lang === 'zh' ? x.nameZh : x.name;
  }
}

const LANG_KEY = 'ewc.dashboard.lang';

export function savedLang(): Lang {
  return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
}

export function saveLang(lang: Lang): void {
  localStorage.setItem(LANG_KEY, lang);
}
