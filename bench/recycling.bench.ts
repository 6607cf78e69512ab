/**
 * Issue 15's figure for recycling: p50/p95 of the 87 departments' recycling figures for a year
 * (Institution.recycling on a list, one statement per period) and of the year by category
 * (aggregateRecycling), with SQL statements and CPU per request beside them.
 *
 *   npm run build && EWC_RESPONSE_CACHE=0 EWC_BUDGETS=off LOG_LEVEL=warn node dist/bench/recycling.bench.js
 *
 * With the response cache on (the default) a repeated question is answered from memory: the
 * figure printed then is the cache's, not the computation's.
 */
import 'reflect-metadata';
import { sqlStats } from '../src/db/sql-stats';
import { fmt, latency, post, postgresCpuMs, processCpuMs, runBench, withDemoHub } from './lib';

const DEPARTMENTS = `query($year: Int!) { institutions(first: 100, filter: { inMunicipalAppraisal: true }) {
  totalCount nodes { id recycling(period: { year: $year }) { totalKg recycledKg recyclingRate coverage byStream { stream totalKg recycledKg recyclingRate } } } } }`;
const BY_CATEGORY = `query($year: Int!) { aggregateRecycling(period: { year: $year }, groupBy: CATEGORY) { category institutionCount totalKg recycledKg recyclingRate byStream { stream recyclingRate } } }`;
const RUNS = 200;

runBench(() =>
  withDemoHub(async ({ db, url, goa }) => {
    const records = Number((await db.pool.query('SELECT count(*) AS n FROM recycling_record')).rows[0].n);
    console.log(`demo: ${records.toLocaleString('en-US')} recycling records; response cache ${process.env.EWC_RESPONSE_CACHE ?? 'on (default)'}`);
    const shapes: [string, string, (d: any) => boolean][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field
      ['87 departments, Institution.recycling(2023)', DEPARTMENTS, (d) => d.institutions.totalCount === 87 && d.institutions.nodes.every((n: { recycling: { totalKg: number } }) => n.recycling.totalKg > 0)],
      ['aggregateRecycling(2023) by category', BY_CATEGORY, (d) => d.aggregateRecycling.length >= 3],
    ];
    console.log('\n| query | latency | SQL statements per request | CPU per request (hub + client process / PostgreSQL) |\n| --- | --- | --- | --- |');
    for (const [name, query, check] of shapes) {
      const figures = await latency(url, goa, query, { year: 2023 }, check, RUNS, 10);
      const before = sqlStats.statements - sqlStats.backgroundStatements;
      await post(url, goa, query, { year: 2023 });
      const statements = sqlStats.statements - sqlStats.backgroundStatements - before;
      const [node0, pg0] = [processCpuMs(process.pid), await postgresCpuMs(db.pool)];
      for (let i = 0; i < RUNS; i++) await post(url, goa, query, { year: 2023 });
      const [node1, pg1] = [processCpuMs(process.pid), await postgresCpuMs(db.pool)];
      console.log(`| ${name} | ${figures} | ${statements} | ${fmt((node1 - node0) / RUNS, 2)} ms / ${fmt((pg1 - pg0) / RUNS, 2)} ms |`);
    }
  }),
);
