import { ApiError, isForbidden, type Api, type GqlResponse } from './api';
import { fill, h } from './dom';
import { I18n, saveLang } from './i18n';
import { fullYear, periodOf, yearToDate, type Period } from './period';
import {
  CITY,
  EPC,
  FIGURE_OF,
  FLEET,
  INDICATORS,
  ON_ALERT,
  ON_EPC,
  ON_FLEET,
  ON_INDICATOR,
  ON_PV,
  ON_READINGS,
  ON_RECYCLING,
  PV_INVESTMENT,
  PV_PROGRAMME,
  PV_PROJECTS,
  RANKING,
  RECYCLING,
  type AlertResult,
  type CityResult,
  type EpcResult,
  type FleetGroup,
  type FleetResult,
  type IndicatorKind,
  type IndicatorUpdated,
  type PvGenerationResult,
  type PvInvestmentResult,
  type PvProgrammeResult,
  type PvProjectsResult,
  type RankingResult,
  type RankingRow,
  type ReadingsResult,
  type RecyclingGroup,
  type RecyclingResult,
  type Viewer,
} from './queries';
import type { DashboardState, Panel, View } from './state';
import { AlertsView } from './views/alerts.view';
import { EpcView } from './views/epc.view';
import { FleetView } from './views/fleet.view';
import { HeaderView } from './views/header.view';
import { PvView } from './views/pv.view';
import { RankingView } from './views/ranking.view';
import { SummaryView } from './views/summary.view';

/** Feeds keep the newest few events. */
const FEED_LENGTH = 20;
/** Bursts of events (one ingest touches many meters) refetch sums once. */
const REFETCH_DELAY_MS = 300;

export interface DashboardOptions {
  api: Api;
  host: HTMLElement;
  viewer: Viewer;
  years: number[];
  period: Period;
  i18n: I18n;
  onSignOut(): void;
}

/** Owns the page's state: loads each panel on its own (a denied panel does not blank the others) and applies live events. */
export class Dashboard {
  private state: DashboardState;
  private i18n: I18n;
  private readonly api: Api;
  private readonly views: View[];
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private unsubscribeIndicator: (() => void) | null = null;
  /** Responses for an earlier year are dropped. */
  private generation = 0;
  private renderQueued = false;
  private firstData = true;

  constructor(private readonly opts: DashboardOptions) {
    this.api = opts.api;
    this.i18n = opts.i18n;
    this.state = {
      viewer: opts.viewer,
      years: opts.years,
      period: opts.period,
      indicator: 'PER_CAPITA_ENERGY',
      live: 'connecting',
      lastReading: null,
      city: { state: 'loading' },
      ranking: { state: 'loading' },
      alerts: [],
      pv: { programme: { state: 'loading' }, investmentYuan: { state: 'loading' }, projects: { state: 'loading' } },
      pvFeed: [],
      epc: { state: 'loading' },
      fleet: { state: 'loading' },
      recycling: { state: 'loading' },
    };
    const header = new HeaderView({
      onYear: (year) => void this.changeYear(year),
      onLanguage: () => this.toggleLanguage(),
      onSignOut: () => opts.onSignOut(),
    });
    const summary = new SummaryView();
    const ranking = new RankingView((indicator) => this.set({ indicator }));
    const alerts = new AlertsView();
    const pv = new PvView();
    const epc = new EpcView();
    const fleet = new FleetView();
    this.views = [header, summary, ranking, alerts, pv, epc, fleet];
    fill(
      opts.host,
      header.el,
      h('main', { class: 'grid' }, summary.el, ranking.el, h('div', { class: 'side' }, alerts.el, pv.el, epc.el), fleet.el),
    );
    document.documentElement.lang = this.i18n.lang === 'zh' ? 'zh-CN' : 'en';
  }

  start(): void {
    this.render();
    this.loadAll();
    this.api.connect((live) => this.set({ live }));
    this.api.subscribe<AlertResult>(ON_ALERT, {}, ({ complianceAlerts }) =>
      this.set({ alerts: [complianceAlerts, ...this.state.alerts].slice(0, FEED_LENGTH) }),
    );
    this.api.subscribe<PvGenerationResult>(ON_PV, {}, ({ pvGeneration }) => {
      this.set({ pvFeed: [{ ...pvGeneration, at: new Date() }, ...this.state.pvFeed].slice(0, FEED_LENGTH) });
      this.later('pv', () => this.loadPv());
    });
    this.api.subscribe<ReadingsResult>(ON_READINGS, {}, ({ readingsIngested }) => this.set({ lastReading: { ...readingsIngested, at: new Date() } }));
    this.api.subscribe(ON_EPC, {}, () => this.later('epc', () => this.loadEpc()));
    // Fleet and recycling changes also fire indicatorUpdated (below), which refetches the fleet and targets: one
    // timer per query makes the events of one change one refetch. The recycling target's progress is in FLEET.
    this.api.subscribe(ON_FLEET, {}, () => this.later('fleet', () => this.loadFleet()));
    this.api.subscribe(ON_RECYCLING, {}, () => {
      this.later('recycling', () => this.loadRecycling());
      this.later('fleet', () => this.loadFleet());
    });
    this.subscribeIndicators();
  }

  dispose(): void {
    this.unsubscribeIndicator?.();
    for (const t of this.timers.values()) clearTimeout(t);
    this.api.dispose();
  }

  private set(patch: Partial<DashboardState>): void {
    this.state = { ...this.state, ...patch };
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  private render(): void {
    for (const v of this.views) v.update(this.state, this.i18n);
  }

  private toggleLanguage(): void {
    this.i18n = new I18n(this.i18n.lang === 'zh' ? 'en' : 'zh');
    saveLang(this.i18n.lang);
    document.documentElement.lang = this.i18n.lang === 'zh' ? 'zh-CN' : 'en';
    this.render();
  }

  private async changeYear(year: number): Promise<void> {
    this.generation++;
    this.set({ city: { state: 'loading' }, ranking: { state: 'loading' }, epc: { state: 'loading' }, fleet: { state: 'loading' }, recycling: { state: 'loading' } });
    this.set({ period: await periodOf(this.api, year) });
    this.loadAll();
    this.subscribeIndicators();
  }

  private loadAll(): void {
    void this.loadCity();
    void this.loadRanking();
    void this.loadPv();
    void this.loadEpc();
    void this.loadFleet();
    void this.loadRecycling();
  }

  private later(name: string, fn: () => Promise<void>): void {
    clearTimeout(this.timers.get(name));
    this.timers.set(name, setTimeout(() => void fn(), REFETCH_DELAY_MS));
  }

  /**
   * Runs a query for one panel; FORBIDDEN on its root field makes it a 'forbidden' panel, not an error.
   * `whole`: the panel is nothing without every field it asks for, so FORBIDDEN anywhere under the root is the panel's.
   */
  private async fetchPanel<T, U>(query: string, variables: Record<string, unknown>, root: string, pick: (data: T) => U, whole = false): Promise<Panel<U> | null> {
    const generation = this.generation;
    let res: GqlResponse<T>;
    try {
      res = await this.api.query<T>(query, variables);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') this.opts.onSignOut();
      return generation === this.generation ? { state: 'error', message: err instanceof Error ? err.message : String(err) } : null;
    }
    if (generation !== this.generation) return null;
    // A denied non-null root field nulls the whole response, whichever root the server reached first.
    if (res.data === null) return isForbidden(res.errors) ? { state: 'forbidden' } : { state: 'error', message: res.errors[0]?.message ?? '' };
    if (((res.data as Record<string, unknown>)[root] == null || whole) && isForbidden(res.errors, root)) return { state: 'forbidden' };
    return { state: 'ready', data: pick(res.data) };
  }

  /**
   * `full` judges compliance: the whole year once it is over; for the year in progress, its year to date,
   * which the hub projects to the whole year (`projected`), as the compliance alerts do.
   */
  private vars(): { full: ReturnType<typeof fullYear>; ytd: ReturnType<typeof yearToDate> } {
    const { period } = this.state;
    return { full: period.inProgress ? yearToDate(period) : fullYear(period), ytd: yearToDate(period) };
  }

  private async loadCity(): Promise<void> {
    const city = await this.fetchPanel<CityResult, CityResult['aggregateIndicators'][number]>(CITY, { ytd: this.vars().ytd }, 'aggregateIndicators', (d) => d.aggregateIndicators[0]);
    if (city) this.set({ city });
  }

  private async loadRanking(): Promise<void> {
    const ranking = await this.fetchPanel<RankingResult, RankingRow[]>(RANKING, this.vars(), 'ytd', (d) => {
      const compliance = new Map((d.full?.nodes ?? []).map((n) => [n.institution.id, n.compliance]));
      return (d.ytd?.nodes ?? []).map(({ institution, ...ytd }) => ({ institution, ytd, compliance: compliance.get(institution.id) ?? [] }));
    });
    if (!ranking) return;
    this.set({ ranking, indicator: ranking.state === 'ready' ? this.visibleIndicator(ranking.data) : this.state.indicator });
    if (ranking.state === 'ready' && this.firstData) {
      this.firstData = false;
      // The browser test reads this mark: time from navigation to the first figures on screen.
      requestAnimationFrame(() => performance.mark('ewc:dashboard-data'));
    }
  }

  /** The selected indicator, unless the key sees none of its figures (a WATER key sees water only). */
  private visibleIndicator(rows: RankingRow[]): IndicatorKind {
    const visible = (kind: IndicatorKind) => rows.some((r) => r.ytd[FIGURE_OF[kind]] !== null);
    return visible(this.state.indicator) ? this.state.indicator : (INDICATORS.find(visible) ?? this.state.indicator);
  }

  private async loadPv(): Promise<void> {
    const asOf = this.state.period.through;
    const [programme, investmentYuan, projects] = await Promise.all([
      this.fetchPanel<PvProgrammeResult, NonNullable<PvProgrammeResult['pvProgramme']>>(PV_PROGRAMME, { asOf }, 'pvProgramme', (d) => d.pvProgramme!),
      this.fetchPanel<PvInvestmentResult, number>(PV_INVESTMENT, { asOf }, 'pvProgramme', (d) => Number(d.pvProgramme?.investmentYuan)),
      this.fetchPanel<PvProjectsResult, NonNullable<PvProjectsResult['pvProjects']>['nodes']>(PV_PROJECTS, { ytd: this.vars().ytd }, 'pvProjects', (d) => d.pvProjects?.nodes ?? []),
    ]);
    if (programme && investmentYuan && projects) this.set({ pv: { programme, investmentYuan, projects } });
  }

  private async loadEpc(): Promise<void> {
    const epc = await this.fetchPanel<EpcResult, NonNullable<EpcResult['epcContracts']>['nodes']>(EPC, { ytd: this.vars().ytd }, 'epcContracts', (d) => d.epcContracts?.nodes ?? []);
    if (epc) this.set({ epc });
  }

  /** The key's whole scope as one group (groupBy CITY). */
  private async loadFleet(): Promise<void> {
    const fleet = await this.fetchPanel<FleetResult, FleetGroup>(FLEET, { ytd: this.vars().ytd }, 'aggregateIndicators', (d) => d.aggregateIndicators[0], true);
    if (fleet) this.set({ fleet });
  }

  private async loadRecycling(): Promise<void> {
    const recycling = await this.fetchPanel<RecyclingResult, RecyclingGroup>(RECYCLING, { ytd: this.vars().ytd }, 'aggregateRecycling', (d) => d.aggregateRecycling[0], true);
    if (recycling) this.set({ recycling });
  }

  /** The event carries the institution's fresh figures for the period on screen: the row changes without a refetch. */
  private subscribeIndicators(): void {
    this.unsubscribeIndicator?.();
    this.unsubscribeIndicator = this.api.subscribe<IndicatorUpdated>(ON_INDICATOR, this.vars(), ({ indicatorUpdated: e }) => {
      const { period } = this.state;
      const lastMonth = period.through.slice(0, 7);
      if (e.year === period.year && e.months.some((m) => m.slice(0, 7) > lastMonth)) {
        // Readings past the year to date on screen: it grows, so everything is reloaded for the longer period.
        void this.changeYear(period.year);
        return;
      }
      const { ranking } = this.state;
      if (ranking.state === 'ready' && ranking.data.some((r) => r.institution.id === e.institution.id)) {
        const rows = ranking.data.map((r) =>
          r.institution.id === e.institution.id ? { ...r, ytd: e.ytd ?? r.ytd, compliance: e.full?.compliance ?? r.compliance } : r,
        );
        this.set({ ranking: { state: 'ready', data: rows } });
      }
      this.later('city', () => this.loadCity());
      this.later('fleet', () => this.loadFleet());
      if (this.state.epc.state === 'ready' && this.state.epc.data.some((c) => c.institution.id === e.institution.id)) this.later('epc', () => this.loadEpc());
    });
  }
}
