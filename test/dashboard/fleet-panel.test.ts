/**
 * The fleet and recycling panel in a real browser (Debian's Chromium through playwright-core) against
 * a real hub: for an institution made in the test, with three vehicles, two refuellings and a month of
 * recycling, the panel shows in Chinese and English what the API answers (figures counted by hand
 * where they are counts and shares), and follows a charging and a recycling record live. PUBLIC sees
 * the city's aggregates, WATER neither part. Needs `npm run build` first (the hub serves dist/dashboard).
 */
import type { Browser, Page } from 'playwright-core';
import {
  CreateApiKeyDocument, CreateVehicleDocument, IngestVehicleEnergyDocument, RecordRecyclingDocument, SetCityTargetDocument, type CreateVehicleInput,
} from '../../src/generated/graphql';
import { FLEET, RECYCLING, type FleetResult, type RecyclingResult } from '../../src/dashboard/app/queries';
import { createSchool } from '../helpers/fixtures';
import { openPage, until } from '../helpers/browser';
import { startTestHub, type TestHub } from '../helpers/hub';
import { testLog } from '../helpers/log';

/** The year the page opens on for a key whose institution has no readings: the browser's calendar year, through January. */
const YEAR = new Date().getFullYear();
const YTD = { year: YEAR, through: `${YEAR}-01-31` };
/** Subscriptions the page opens for an institution's key: alerts, PV, readings, EPC, fleet, recycling, indicators. */
const PAGE_SUBSCRIPTIONS = 7;

let t: TestHub;
let browser: Browser;
let page: Page;
let baseUrl: string;
let institution: string;
let key: string;
let electric: string;

beforeAll(async () => {
  t = await startTestHub();
  baseUrl = t.hub.url.replace(/\/graphql$/, '');
  institution = await createSchool(t, 'Fleet Panel Test School', '车辆面板测试学校', 9_000_151);
  const k = await t.gql(CreateApiKeyDocument, { input: { institutionId: institution, role: 'editor', name: 'fleet panel test' } }, t.keys.goa);
  expect(k.errors).toBeUndefined();
  key = k.data!.createApiKey.key;

  // One petrol sedan in service since two years back, and two vehicles added this January: one electric.
  const vehicle = async (plate: string, type: CreateVehicleInput['type'], powertrain: CreateVehicleInput['powertrain'], inServiceOn: string) => {
    const r = await t.gql(CreateVehicleDocument, { input: { institutionId: institution, plate, type, powertrain, inServiceOn } }, t.keys.goa);
    expect(r.errors).toBeUndefined();
    return r.data!.createVehicle.id;
  };
  const petrol = await vehicle('湘E61001', 'SEDAN', 'PETROL', `${YEAR - 2}-05-01`);
  electric = await vehicle('湘ED61002', 'VAN', 'BATTERY_ELECTRIC', `${YEAR}-01-10`);
  await vehicle('湘E61003', 'TRUCK', 'DIESEL', `${YEAR}-01-20`);
  const fuel = await t.gql(
    IngestVehicleEnergyDocument,
    { input: { rows: [
      { vehicleId: petrol, day: `${YEAR}-01-05`, energy: 'GASOLINE', quantity: 40, odometerKm: 10_000 },
      { vehicleId: petrol, day: `${YEAR}-01-25`, energy: 'GASOLINE', quantity: 30, odometerKm: 10_400 },
    ] } },
    key,
  );
  expect(fuel.errors).toBeUndefined();
  const month = `${YEAR}-01-01`;
  const waste = await t.gql(
    RecordRecyclingDocument,
    { input: { rows: [
      { institutionId: institution, month, stream: 'PAPER', disposition: 'RECYCLED', quantityKg: 30 },
      { institutionId: institution, month, stream: 'PAPER', disposition: 'LANDFILLED', quantityKg: 10 },
      { institutionId: institution, month, stream: 'PLASTICS', disposition: 'RECYCLED', quantityKg: 5 },
      { institutionId: institution, month, stream: 'KITCHEN_WASTE', disposition: 'INCINERATED', quantityKg: 15 },
    ] } },
    key,
  );
  expect(waste.errors).toBeUndefined();
  for (const [kind, value] of [['NEV_SHARE_OF_ADDED', 0.4], ['RECYCLING_RATE', 0.35]] as const) {
    expect((await t.gql(SetCityTargetDocument, { input: { year: YEAR, kind, value } }, t.keys.goa)).errors).toBeUndefined();
  }

  ({ browser, page } = await openPage());
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The page's number formats (i18n.ts: one decimal at most, per language), as the oracle for what the API's figures look like on screen. */
function formats(lang: 'zh' | 'en') {
  const nf = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: 1 });
  const num = (v: number) => {
    // Below these the page writes amounts as they are (no 万, k or m), which is all this fixture needs.
    expect(Math.abs(v)).toBeLessThan(1000);
    return nf.format(v);
  };
  return { num, pct: (v: number | null) => (v === null ? '—' : `${nf.format(v * 100)}%`) };
}

const figure = (p: Page, name: string) => p.locator(`.fleet [data-figure="${name}"] .value`).innerText();
const detail = (p: Page, name: string) => p.locator(`.fleet [data-figure="${name}"] .small`).innerText();

async function api(as: string, period: { year: number; through: string }) {
  const fleet = await t.raw({ query: FLEET, variables: { ytd: period } }, as);
  const recycling = await t.raw({ query: RECYCLING, variables: { ytd: period } }, as);
  expect(fleet.errors).toBeUndefined();
  expect(recycling.errors).toBeUndefined();
  return { group: (fleet.data as FleetResult).aggregateIndicators[0], recycling: (recycling.data as RecyclingResult).aggregateRecycling[0] };
}

/** Every figure of the panel is the API's, formatted. */
async function showsApi(p: Page, as: string, period: { year: number; through: string }, lang: 'zh' | 'en'): Promise<void> {
  const { num, pct } = formats(lang);
  const { group, recycling } = await api(as, period);
  const f = group.fleet!;
  expect(await figure(p, 'vehiclesAtEnd')).toBe(String(f.vehiclesAtEnd));
  expect(await figure(p, 'newEnergyShareAtEnd')).toBe(pct(f.newEnergyShareAtEnd));
  expect(await detail(p, 'newEnergyShareAtEnd')).toBe(`${f.newEnergyVehiclesAtEnd} / ${f.vehiclesAtEnd}`);
  expect(await figure(p, 'newEnergyShareOfAdded')).toBe(pct(f.newEnergyShareOfAdded));
  expect(await detail(p, 'newEnergyShareOfAdded')).toBe(`${f.newEnergyVehiclesAdded} / ${f.vehiclesAdded}`);
  expect(await figure(p, 'kgce')).toBe(`${num(f.kgce)} kgce`);
  expect(await figure(p, 'kgCo2')).toBe(`${num(f.kgCo2)} kg CO₂`);
  expect(await figure(p, 'kgcePer100Km')).toBe(`${num(f.kgcePer100Km!)} kgce`);
  expect(await detail(p, 'kgcePer100Km')).toBe(`${num(f.distanceKm)} km`);
  expect(await figure(p, 'kgCo2Per100Km')).toBe(`${num(f.kgCo2Per100Km!)} kg CO₂`);
  expect(await figure(p, 'recyclingRate')).toBe(pct(recycling.recyclingRate));
  expect(await figure(p, 'recycledKg')).toBe(`${num(recycling.recycledKg!)} kg`);
  const streams = recycling.byStream.filter((s) => s.totalKg > 0);
  expect(await Promise.all((await p.locator('.stream-table tbody tr').all()).map((r) => r.getAttribute('data-stream')))).toEqual(streams.map((s) => s.stream));
  for (const s of streams) {
    expect(await p.locator(`.stream-table tr[data-stream="${s.stream}"] td.num`).allInnerTexts()).toEqual([num(s.recycledKg), num(s.totalKg), pct(s.recyclingRate)]);
  }
  for (const target of group.targets) {
    const row = p.locator(`.target-table tr[data-target="${target.kind}"]`);
    expect(await row.getAttribute('data-status')).toBe(target.status);
    expect(await row.locator('td.num').allInnerTexts()).toEqual([pct(target.targetValue), pct(target.value)]);
  }
}

test('shows the fixture’s fleet, recycling and targets in Chinese, follows new records live, then in English', async () => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${baseUrl}/dashboard`);
  await page.fill('#api-key', key);
  await page.click('form.signin button[type=submit]');
  await page.waitForSelector('.fleet [data-figure="vehiclesAtEnd"]');
  await page.waitForSelector('.fleet [data-figure="recyclingRate"]');
  expect(await page.locator('.through').innerText()).toContain(YTD.through);
  expect(await page.locator('.fleet h2').innerText()).toBe('公务用车与资源回收（年初至今）');

  // Counted by hand: 3 vehicles at the end of January, 1 electric; 2 added, 1 electric; the petrol car drove 400 km.
  expect(await figure(page, 'vehiclesAtEnd')).toBe('3');
  expect(await figure(page, 'newEnergyShareAtEnd')).toBe('33.3%');
  expect(await detail(page, 'newEnergyShareAtEnd')).toBe('1 / 3');
  expect(await figure(page, 'newEnergyShareOfAdded')).toBe('50%');
  expect(await detail(page, 'newEnergyShareOfAdded')).toBe('1 / 2');
  expect(await detail(page, 'kgcePer100Km')).toBe('400 km');
  // 35 of 60 kg recycled; paper 30 of 40, plastics 5 of 5, kitchen waste 0 of 15.
  expect(await figure(page, 'recyclingRate')).toBe('58.3%');
  expect(await figure(page, 'recycledKg')).toBe('35 kg');
  expect(await detail(page, 'recycledKg')).toBe('合计 60 kg');
  expect(await page.locator('.stream-table tbody').innerText()).toMatch(/纸类\s+30\s+40\s+75%\s+塑料\s+5\s+5\s+100%\s+厨余垃圾\s+0\s+15\s+0%/);
  // Targets: half of the vehicles added are electric, over the 40 % target; 35 of 60 kg recycled, over the 35 % target.
  expect(await page.locator('.target-table tr[data-target="NEV_SHARE_OF_ADDED"]').innerText()).toMatch(/新增车辆中新能源占比\s+40%\s+50%\s+已达标/);
  expect(await page.locator('.target-table tr[data-target="RECYCLING_RATE"]').innerText()).toMatch(/资源回收率\s+35%\s+58\.3%\s+已达标/);
  await showsApi(page, key, YTD, 'zh');

  // graphql-ws acknowledges no subscribe: the hub's gauge says when events written from now on reach the page.
  await until(async () => (await t.subscriptionsOpen()) >= PAGE_SUBSCRIPTIONS, 'the page’s subscriptions are served');

  // A charging of the electric van: vehicle energy grows, the shares stay.
  const kgceBefore = await figure(page, 'kgce');
  let started = Date.now();
  const charged = await t.gql(IngestVehicleEnergyDocument, { input: { rows: [{ vehicleId: electric, day: `${YEAR}-01-28`, energy: 'ELECTRICITY', quantity: 50, odometerKm: 300 }] } }, key);
  expect(charged.errors).toBeUndefined();
  await until(async () => (await figure(page, 'kgce')) !== kgceBefore, 'vehicle energy after the charging');
  const fleetMs = Date.now() - started;
  await showsApi(page, key, YTD, 'zh');
  expect(await figure(page, 'newEnergyShareAtEnd')).toBe('33.3%');

  // 20 kg of metals recycled: 55 of 80 kg.
  started = Date.now();
  const metals = await t.gql(RecordRecyclingDocument, { input: { rows: [{ institutionId: institution, month: `${YEAR}-01-01`, stream: 'METALS', disposition: 'RECYCLED', quantityKg: 20 }] } }, key);
  expect(metals.errors).toBeUndefined();
  // The rate comes with aggregateRecycling, the target's progress with aggregateIndicators: two refetches, wait for both.
  const targetReached = () => page.locator('.target-table tr[data-target="RECYCLING_RATE"] td.num').nth(1).innerText();
  await until(async () => (await figure(page, 'recyclingRate')) !== '58.3%' && (await targetReached()) !== '58.3%', 'the recycling rate and its target after the record');
  testLog(`fleet panel live: vehicle energy on screen ${fleetMs} ms after the charging was sent, recycling rate ${Date.now() - started} ms after the record (both include the panel's 300 ms refetch delay)`);
  expect(await figure(page, 'recyclingRate')).toBe('68.8%');
  expect(await figure(page, 'recycledKg')).toBe('55 kg');
  expect(await targetReached()).toBe('68.8%');
  await showsApi(page, key, YTD, 'zh');

  await page.click('[data-action="language"]');
  await until(async () => (await page.locator('.fleet h2').innerText()) === 'Official fleet and recycling (year to date)', 'English');
  expect(await page.locator('.fleet [data-figure="newEnergyShareOfAdded"] .label').innerText()).toBe('New-energy share of vehicles added');
  expect(await detail(page, 'recycledKg')).toBe('Total 80 kg');
  expect(await page.locator('.target-table tr[data-target="NEV_SHARE_OF_ADDED"] .target-status').innerText()).toBe('Met');
  expect(await page.locator('.fleet').innerText()).not.toMatch(/[\u4e00-\u9fff]|NEV_SHARE|KITCHEN_WASTE/);
  await showsApi(page, key, YTD, 'en');
  expect(pageErrors).toEqual([]);
});

test('PUBLIC sees the city’s aggregates, WATER neither the fleet nor recycling', async () => {
  const pub = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await pub.goto(`${baseUrl}/dashboard`);
  await pub.fill('#api-key', t.keys.public);
  await pub.click('form.signin button[type=submit]');
  await pub.waitForSelector('.fleet [data-figure="vehiclesAtEnd"]');
  await pub.waitForSelector('.fleet [data-figure="recyclingRate"]');
  const through = (await pub.locator('.through').innerText()).match(/\d{4}-\d{2}-\d{2}/)![0];
  const period = { year: Number(await pub.locator('select[name=year]').inputValue()), through };
  const { group, recycling } = await api(t.keys.public, period);
  const { pct } = formats('zh');
  expect(group.suppressed).toBe(false);
  expect(group.fleet!.vehiclesAtEnd).toBeGreaterThan(0);
  expect(await figure(pub, 'vehiclesAtEnd')).toBe(group.fleet!.vehiclesAtEnd.toLocaleString('zh-CN'));
  expect(await figure(pub, 'newEnergyShareAtEnd')).toBe(pct(group.fleet!.newEnergyShareAtEnd));
  expect(await figure(pub, 'newEnergyShareOfAdded')).toBe(pct(group.fleet!.newEnergyShareOfAdded));
  expect(await figure(pub, 'recyclingRate')).toBe(pct(recycling.recyclingRate));
  await pub.close();

  const water = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await water.goto(`${baseUrl}/dashboard`);
  await water.fill('#api-key', t.keys.water);
  await water.click('form.signin button[type=submit]');
  await water.waitForSelector('.fleet [data-part="fleet"] .note.forbidden');
  await water.waitForSelector('.fleet [data-part="recycling"] .note.forbidden');
  expect(await water.locator('.fleet [data-figure]').count()).toBe(0);
  await water.close();
});
