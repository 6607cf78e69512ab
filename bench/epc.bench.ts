/**
 * EPC savings and settlements of every demo contract: the 2023 savings of each (method, kgce,
 * 90% interval, FSU), and the time and SQL statements of `epcContracts { savings settlements }`
 * for all of them in one request and for one, so a count that grows with the contracts shows, and
 * the CPU time per request of the hub's process (the client shares it) and of PostgreSQL, which
 * holds on a busy machine where wall-clock figures do not.
 *
 *   npm run build && EWC_RESPONSE_CACHE=off RUNS=20 node dist/bench/epc.bench.js
 */
import { fmt, measureQuery, post, runBench, withDemoHub } from './lib';

const RUNS = Number(process.env.RUNS ?? 60);
/** The demo's readings end on 2024-06-30: settlements as of that day are the same on every run. */
const AS_OF = '2024-06-30';

const FULL = `query($first: Int!) { epcContracts(first: $first) { nodes { id title
  savings(period: { year: 2023 }) { method kgce savingsKgce lowKgce highKgce fsu flagged }
  settlements(asOf: "${AS_OF}") { periodStart savings { savingsKgce } escoShareYuan } } } }`;
/** The same for a tree before CalTRACK (no interval or FSU yet). */
const PLAIN = `query($first: Int!) { epcContracts(first: $first) { nodes { id title
  savings(period: { year: 2023 }) { method savingsKgce flagged }
  settlements(asOf: "${AS_OF}") { periodStart savings { savingsKgce } escoShareYuan } } } }`;

runBench(async () => {
  await withDemoHub(async ({ db, url, goa }) => {
    let query = FULL;
    let first = await post(url, goa, query, { first: 100 });
    if (first.errors) {
      query = PLAIN;
      first = await post(url, goa, query, { first: 100 });
    }
    if (first.errors) throw new Error(JSON.stringify(first.errors).slice(0, 400));
    type Node = { title: string; savings: Record<string, number | string | boolean | null>; settlements: unknown[] };
    const nodes = first.data.epcContracts.nodes as Node[];
    console.log(`savings of ${nodes.length} demo contracts in 2023 (${query === FULL ? 'CalTRACK fields' : 'pre-CalTRACK fields'}):`);
    for (const n of nodes) {
      const s = n.savings;
      const num = (v: unknown, d = 1) => (typeof v === 'number' ? fmt(v, d) : String(v));
      console.log(`  ${n.title.slice(0, 60).padEnd(60)} ${String(s.method).padEnd(18)} kgce ${num(s.kgce ?? s.savingsKgce)}` +
        (query === FULL ? ` [${num(s.lowKgce)}, ${num(s.highKgce)}] fsu ${num(s.fsu, 4)}` : '') + ` flagged ${s.flagged} settlements ${n.settlements.length}`);
    }

    for (const size of [1, 100]) {
      await measureQuery({ db, url, goa }, `epcContracts(first: ${size}) { savings settlements }`, query, { first: size }, RUNS, (d) => (d.epcContracts as { nodes: unknown[] }).nodes.length);
    }
  });
});
