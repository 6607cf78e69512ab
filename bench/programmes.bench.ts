/**
 * Issue 5's figures: p50/p95 of a contract's savings over its whole term so far (every quarterly
 * settlement since it started operating, with the balance) and of the city's PV programme, at the
 * demo's readings and at 10x.
 *
 *   npm run build && node dist/bench/programmes.bench.js
 */
import 'reflect-metadata';
import { toGlobalId } from '../src/graphql/relay';
import { latency, runBench, withDemoHub } from './lib';
import { multiply } from './scale';

const TERM = `query($id: ID!) { epcContract(id: $id) { settlements(asOf: "2024-06-30") { periodStart savings { savingsKgce savingsRate flagged } escoShareYuan shortfallYuan } balanceYuan(asOf: "2024-06-30") } }`;
const PROGRAMME = `{ pvProgramme(asOf: "2023-08-31") { projectCount capacityKw investmentYuan expectedAnnualKwh reportedAnnualCo2T computedAnnualCo2T actualKwhLast12Months } }`;

runBench(() =>
  withDemoHub(async ({ db, url, goa }) => {
    const { rows } = await db.pool.query<{ id: number }>(`SELECT c.id FROM epc_contract c JOIN institution i ON i.id = c.institution_id WHERE i.name_zh = '隆回县人民医院'`);
    const id = toGlobalId('EpcContract', rows[0].id);
    const run = async (label: string) => {
      const n = Number((await db.pool.query('SELECT count(*) AS n FROM reading')).rows[0].n);
      console.log(`\n${label} (${n.toLocaleString('en-US')} readings)`);
      console.log(`  Longhui contract, 7 quarterly settlements and balance: ${await latency(url, goa, TERM, { id }, (d) => d.epcContract.settlements.length === 7)}`);
      console.log(`  pvProgramme(asOf: 2023-08-31):                          ${await latency(url, goa, PROGRAMME, {}, (d) => d.pvProgramme.projectCount === 43)}`);
    };
    await run('1x demo');
    await multiply(db);
    await run('10x demo');
  }),
);
