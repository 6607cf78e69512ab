/**
 * Issue 7: queries on a city made by `npm run bench:seed` (10,000 meters, a year of hourly
 * readings), through the hub as a user runs it.
 *
 *   EWC_DATA_DIR=/work/city npm run bench:seed
 *   EWC_DATA_DIR=/work/city node dist/bench/city.bench.js
 */
import 'reflect-metadata';
import { latency, post, runBench, startHub } from './lib';

const YEAR = 2025;

async function statements(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return Number(/^ewc_sql_statements_total (\d+)/m.exec(text)![1]);
}

async function main(): Promise<void> {
  if (!process.env.EWC_DATA_DIR) throw new Error('set EWC_DATA_DIR to the folder bench:seed filled');
  const hub = await startHub({ EWC_DATA_DIR: process.env.EWC_DATA_DIR, PORT: '4641' });
  try {
    const goa = hub.keys['GOA admin'];
    const metrics = hub.url.replace('/graphql', '/metrics');
    const count = await post(hub.url, goa, `{ institutions(first: 1) { totalCount } meters(first: 1) { totalCount } }`);
    // The seed adds its institutions and meters last: the highest ids are the city's.
    const institutions = count.data.institutions.totalCount as number;
    const meters = count.data.meters.totalCount as number;
    const institutionId = Buffer.from(`Institution:${institutions}`).toString('base64url');
    const meterId = Buffer.from(`Meter:${meters - 1}`).toString('base64url');
    console.log(`city: ${institutions} institutions, ${meters} meters; ${YEAR} is open (figures from rollups)`);

    const shapes: [string, string, unknown, (d: any) => boolean][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field
      [
        `indicators(${YEAR}), first 100 of all institutions`,
        `query($y: Int!) { indicators(period: { year: $y }, first: 100) { nodes { energyKgce waterM3 perCapitaEnergyKgce energyPerAreaKgceM2 coverage } } }`,
        { y: YEAR },
        (d) => d.indicators.nodes.length === 100,
      ],
      [
        `aggregateIndicators(${YEAR}) by category, every institution`,
        `query($y: Int!) { aggregateIndicators(period: { year: $y }, groupBy: CATEGORY) { category institutionCount energyKgce waterM3 perCapitaEnergyKgce } }`,
        { y: YEAR },
        (d) => d.aggregateIndicators.length >= 4,
      ],
      [
        `one institution, March ${YEAR}`,
        `query($id: ID!) { node(id: $id) { ... on Institution { indicators(period: { year: ${YEAR}, month: 3 }) { energyKgce waterM3 coverage } } } }`,
        { id: institutionId },
        (d) => d.node.indicators.energyKgce > 0,
      ],
      [
        `100 hourly readings of one meter in June`,
        `query($m: ID!) { readings(meterId: $m, first: 100, from: "${YEAR}-06-01T00:00:00Z") { nodes { periodStart value } } }`,
        { m: meterId },
        (d) => d.readings.nodes.length === 100,
      ],
    ];
    console.log('\n| query | p50 / p95 | SQL statements |\n| --- | --- | --- |');
    for (const [name, query, variables, check] of shapes) {
      const figures = await latency(hub.url, goa, query, variables, check, 50, 3);
      const before = await statements(metrics);
      await post(hub.url, goa, query, variables);
      console.log(`| ${name} | ${figures} | ${(await statements(metrics)) - before} |`);
    }

    // Writes at city scale: 10,000 hourly rows over 100 meters after the seeded year, twice (the
    // first may make the month's partition). A window a former run filled comes back as duplicates:
    // move on to the next one, so each run measures fresh rows.
    const elec = await post(hub.url, goa, `{ meters(first: 100, filter: { carrier: ELECTRICITY }) { nodes { id } } }`);
    const ids = (elec.data.meters.nodes as { id: string }[]).map((m) => m.id);
    let start = Date.UTC(YEAR + 1, 2, 1);
    for (const label of ['first', 'second']) {
      for (let attempt = 0; ; attempt++) {
        if (attempt === 100) throw new Error('no free window of 100 hours found');
        const rows = ids.flatMap((meterId) =>
          Array.from({ length: 100 }, (_, h) => ({
            meterId,
            periodStart: new Date(start + h * 3_600_000).toISOString(),
            periodEnd: new Date(start + (h + 1) * 3_600_000).toISOString(),
            // By the absolute hour: a window overlapping a former run's holds the same values.
            value: 5 + ((start / 3_600_000 + h) % 7),
          })),
        );
        const t0 = performance.now();
        const r = await post(hub.url, goa, `mutation($rows: [ReadingRowInput!]!) { ingestReadings(input: { rows: $rows }) { accepted } }`, { rows });
        const ms = performance.now() - t0;
        if (r.errors) throw new Error(JSON.stringify(r.errors).slice(0, 300));
        start += 100 * 3_600_000;
        if (r.data.ingestReadings.accepted < rows.length) continue;
        console.log(`| ingestReadings, 10,000 rows from ${new Date(start - 100 * 3_600_000).toISOString().slice(0, 13)}h (${label}) | ${ms.toFixed(0)} ms | |`);
        break;
      }
    }
  } finally {
    await hub.stop();
  }
}

runBench(main);
