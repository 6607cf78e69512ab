/**
 * Fleet figures of the 87 departments for a year (the demo's fleets, src/demo/fleet.seeder.ts):
 * `indicators(filter: { category: GOVERNMENT_OFFICE }) { fleet targets }` in one request, and one
 * department alone, so a count that grows with the list shows; p50/p95, SQL statements per request
 * and the CPU time per request of the hub's process (the client shares it) and of PostgreSQL, which
 * holds on a busy machine where wall-clock figures do not. Then the city by category, as PUBLIC reads it.
 *
 *   npm run build && EWC_RESPONSE_CACHE=off RUNS=60 node dist/bench/fleet.bench.js
 */
import { fmt, measureQuery, post, runBench, withDemoHub } from './lib';

const RUNS = Number(process.env.RUNS ?? 60);
const YEAR = Number(process.env.YEAR ?? 2023);

const FLEET = `vehiclesAtEnd newEnergyShare vehiclesAdded newEnergyShareOfAdded petrolLitres dieselLitres chargedKwh kgce kgCo2 distanceKm kgcePer100Km kgCo2Per100Km`;
const LIST = `query($first: Int!, $year: Int!) { indicators(period: { year: $year }, filter: { category: GOVERNMENT_OFFICE }, first: $first) {
  totalCount nodes { energyKgce fleet { ${FLEET} } targets { kind value status } } } }`;
/** The same list without the fleet: what the fleet adds to it. */
const BASE = `query($first: Int!, $year: Int!) { indicators(period: { year: $year }, filter: { category: GOVERNMENT_OFFICE }, first: $first) {
  totalCount nodes { energyKgce } } }`;
const CITY = `query($year: Int!) { aggregateIndicators(period: { year: $year }, groupBy: CATEGORY) { category suppressed fleet { ${FLEET} } targets { kind value status } } }`;

runBench(async () => {
  await withDemoHub(async ({ db, url, goa }) => {
    const set = await post(url, goa, `mutation { setCityTarget(input: { year: ${YEAR}, kind: NEV_SHARE_OF_ADDED, value: 0.5 }) { id } }`);
    if (set.errors) throw new Error(JSON.stringify(set.errors).slice(0, 400));
    const measure = (label: string, query: string, vars: Record<string, unknown>, rows: (d: Record<string, unknown>) => number) =>
      measureQuery({ db, url, goa }, label, query, vars, RUNS, rows);
    type List = { indicators: { nodes: { fleet: Record<string, number | null> }[] } };
    const all = (await post(url, goa, LIST, { first: 100, year: YEAR })).data as List;
    const sum = (k: string) => all.indicators.nodes.reduce((s, n) => s + Number(n.fleet[k] ?? 0), 0);
    console.log(`${YEAR}, ${all.indicators.nodes.length} departments: ${sum('vehiclesAtEnd')} vehicles at the year's end, ${sum('vehiclesAdded')} added, ${fmt(sum('chargedKwh'), 0)} kWh charged`);
    for (const first of [1, 100]) {
      await measure(`indicators(first: ${first}, GOVERNMENT_OFFICE) { fleet targets }`, LIST, { first, year: YEAR }, (d) => (d as List).indicators.nodes.length);
    }
    await measure('indicators(first: 100, GOVERNMENT_OFFICE) { energyKgce } (no fleet, for comparison)', BASE, { first: 100, year: YEAR }, (d) => (d as List).indicators.nodes.length);
    await measure('aggregateIndicators(CATEGORY) { fleet targets }', CITY, { year: YEAR }, (d) => (d.aggregateIndicators as unknown[]).length);
  });
});
