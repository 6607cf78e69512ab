import type { LiveStatus } from './api';
import type { I18n } from './i18n';
import type { Period } from './period';
import type {
  CityFigures,
  ComplianceAlert,
  EpcContract,
  FleetGroup,
  IndicatorKind,
  PvGeneration,
  PvProgramme,
  PvProjectFigures,
  RankingRow,
  ReadingsIngested,
  RecyclingGroup,
  Viewer,
} from './queries';

/** What one panel knows: still loading, its data, or why there is none. */
export type Panel<T> =
  | { state: 'loading' }
  | { state: 'ready'; data: T }
  | { state: 'forbidden' }
  | { state: 'error'; message: string };

export interface PvState {
  programme: Panel<PvProgramme>;
  investmentYuan: Panel<number>;
  projects: Panel<PvProjectFigures[]>;
}

export interface DashboardState {
  viewer: Viewer;
  years: number[];
  period: Period;
  indicator: IndicatorKind;
  live: LiveStatus;
  lastReading: (ReadingsIngested & { at: Date }) | null;
  city: Panel<CityFigures>;
  ranking: Panel<RankingRow[]>;
  alerts: ComplianceAlert[];
  pv: PvState;
  pvFeed: Array<PvGeneration & { at: Date }>;
  epc: Panel<EpcContract[]>;
  /** Fleet and recycling of the key's scope: asked apart, each may be denied on its own. */
  fleet: Panel<FleetGroup>;
  recycling: Panel<RecyclingGroup>;
}

export interface View {
  readonly el: HTMLElement;
  update(state: DashboardState, i18n: I18n): void;
}

export function mapPanel<T, U>(panel: Panel<T>, f: (data: T) => U): Panel<U> {
  return panel.state === 'ready' ? { state: 'ready', data: f(panel.data) } : panel;
}
