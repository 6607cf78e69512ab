/**
 * Hub CPU per request of the 87 departments' indicators (issue 17's exact figures on the hot path):
 * a closed year (frozen figures), an open one (the monthly rollups) and a year to date ending mid-month
 * (the rollups plus the ragged days from meter_day, judged on a projection), in one run.
 *
 *   npm run build && node dist/bench/indicators-cpu.bench.js [requests per run, default 100] [runs, default 2]
 *
 * The hub runs in its own process (`ewc-hub start`, response cache and cost budgets off, so every
 * request computes and nothing is written in the background); this process sends sequential
 * requests and reads the CPU time of the hub's process and of PostgreSQL from /proc, which holds
 * on a busy machine where wall-clock figures do not. SQL statements per request come from the
 * hub's own counter (/metrics) over a separate pass. PROFILE_DIR=/some/dir runs the hub under
 * `node --cpu-prof` and leaves its profile there when the bench stops it; CASE=closed (or open, June)
 * runs only the cases whose name holds it.
 */
import 'reflect-metadata';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { fmt, percentile, postgresCpuMs, processCpuMs, runBench, startHub, withSeededServer } from './lib';

const FIELDS = `totalCount nodes { energyKgce waterM3 headcount floorAreaM2 perCapitaEnergyKgce energyPerAreaKgceM2 perCapitaWaterM3
  coverage energyCoverage waterCoverage byCarrier { carrier quantity kgce kgCo2 } emissions { scope1KgCo2 scope2KgCo2 totalKgCo2 } compliance { indicator status value } }`;

const CASES = [
  { name: '2023, closed (frozen figures)', period: '{ year: 2023 }' },
  { name: '2024, open (monthly rollups)', period: '{ year: 2024 }' },
  { name: '2024 to June 15 (rollups + days, projected)', period: '{ year: 2024, through: "2024-06-15" }' },
];

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function request(url: string, key: string, body: string): Promise<{ indicators: { totalCount: number } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const json = JSON.parse(Buffer.concat(chunks).toString()) as { data?: { indicators: { totalCount: number } }; errors?: unknown[] };
        if (json.errors || !json.data) reject(new Error(JSON.stringify(json.errors).slice(0, 300)));
        else resolve(json.data);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const get = (url: string) =>
  new Promise<string>((resolve, reject) =>
    http
      .get(url, { agent }, (res) => {
        let s = '';
        res.on('data', (c) => (s += c));
        res.on('end', () => resolve(s));
      })
      .on('error', reject),
  );

async function main(): Promise<void> {
  const requests = Number(process.argv[2] ?? 100);
  const runs = Number(process.argv[3] ?? 2);
  await withSeededServer('indicators', async ({ url, dataDir }) => {
    const profile = process.env.PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.PROFILE_DIR)}`] : [];
    const hub = await startHub({ DATABASE_URL: url, EWC_DATA_DIR: dataDir, EWC_DEMO: '1', PORT: '0', EWC_RESPONSE_CACHE: 'off', EWC_BUDGETS: 'off' }, profile);
    const goa = hub.keys['GOA admin'];
    const pgPool = new pg.Pool({ connectionString: url, max: 1 });
    const statementsSoFar = async () => Number(/^ewc_sql_statements_total (\d+)/m.exec(await get(hub.url.replace('/graphql', '/metrics')))![1]);
    console.log(`${requests} sequential requests per run, ${runs} runs per case; load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log('| case | run | hub CPU ms/req | PostgreSQL CPU ms/req | p50 / p95 ms | statements/req | load avg (1 min) |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const c of CASES.filter((x) => !process.env.CASE || x.name.includes(process.env.CASE))) {
      const body = JSON.stringify({ query: `{ indicators(period: ${c.period}, filter: { inMunicipalAppraisal: true }, first: 100) { ${FIELDS} } }` });
      for (let i = 0; i < 10; i++) {
        const d = await request(hub.url, goa, body);
        if (d.indicators.totalCount !== 87) throw new Error(`expected 87 departments, got ${d.indicators.totalCount}`);
      }
      const s0 = await statementsSoFar();
      for (let i = 0; i < 20; i++) await request(hub.url, goa, body);
      // The /metrics read itself sends no statement.
      const statements = ((await statementsSoFar()) - s0) / 20;
      for (let run = 1; run <= runs; run++) {
        const times: number[] = [];
        const cpu0 = processCpuMs(hub.proc.pid!);
        const pg0 = await postgresCpuMs(pgPool);
        for (let i = 0; i < requests; i++) {
          const t0 = performance.now();
          await request(hub.url, goa, body);
          times.push(performance.now() - t0);
        }
        const cpu = (processCpuMs(hub.proc.pid!) - cpu0) / requests;
        const pgCpu = ((await postgresCpuMs(pgPool)) - pg0) / requests;
        times.sort((a, b) => a - b);
        console.log(`| ${c.name} | ${run} | ${fmt(cpu, 1)} | ${fmt(pgCpu, 1)} | ${fmt(percentile(times, 50), 1)} / ${fmt(percentile(times, 95), 1)} | ${fmt(statements, 1)} | ${os.loadavg()[0].toFixed(1)} |`);
      }
    }
    await pgPool.end();
    await hub.stop();
  });
}

runBench(main);
