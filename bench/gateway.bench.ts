/**
 * Issue 14: what gateway mode costs. One hub in gateway mode (the demo, composed with the example
 * housing subgraph, which runs as its own process as an agency runs it), three questions asked in
 * turn by one client, sequentially:
 *
 *   - the hub's part alone, straight from its subgraph endpoint (POST /subgraph: the hub's schema,
 *     no query planning);
 *   - the same question through the gateway (POST /graphql): the gateway's own cost is the difference;
 *   - the joined question (the hub's figures and the housing bureau's building) through the gateway.
 *
 *   npm run build && node dist/bench/gateway.bench.js [requests per question, default 300]
 *
 * Printed per question: p50/p95 latency and the CPU time per request of the hub's process and of
 * the housing subgraph's, read from /proc (it holds on a busy machine where latency does not).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt, percentile, processCpuMs, runBench, startHub } from './lib';

const HUB_PART = 'query ($id: ID!) { institution(id: $id) { name indicators(period: { year: 2023 }) { energyPerAreaKgceM2 } } }';
const JOIN = 'query ($id: ID!) { institution(id: $id) { name indicators(period: { year: 2023 }) { energyPerAreaKgceM2 } building { energyLabel yearBuilt } } }';

type Answer = { data?: { institution?: { name?: string; building?: { yearBuilt?: number } | null } | null }; errors?: unknown[] };

async function ask(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Answer;
}

/** The example housing subgraph as its own process; resolves with its URL once it listens. */
function startHousing(secret: string): Promise<{ url: string; pid: number; stop(): void }> {
  const proc = spawn(process.execPath, [path.resolve(__dirname, '../examples/housing-subgraph/server.js')], {
    env: { ...process.env, PORT: '0', EWC_SUBGRAPH_SECRET: secret },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.once('exit', () => proc.kill('SIGTERM'));
  let out = '';
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`housing subgraph exited with ${code}: ${out}`)));
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /housing subgraph at (\S+)/.exec(out);
      if (m) {
        proc.removeAllListeners('exit');
        resolve({ url: m[1], pid: proc.pid!, stop: () => proc.kill('SIGTERM') });
      }
    });
  });
}

runBench(async () => {
  const runs = Number(process.argv[2] ?? 300);
  const secret = randomBytes(24).toString('base64url');
  const housing = await startHousing(secret);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-gateway-bench-'));
  const hub = await startHub({ EWC_DATA_DIR: dir, PORT: '0', EWC_SUBGRAPHS: `housing=${housing.url}`, EWC_SUBGRAPH_SECRET: secret });
  try {
    const key = hub.keys['GOA admin'];
    const subgraphUrl = hub.url.replace(/\/graphql$/, '/subgraph');
    const found = (await ask(hub.url, key, `{ institutions(first: 100, filter: { search: "隆回县人民医院" }) { nodes { id } } }`, {})) as unknown as {
      data: { institutions: { nodes: { id: string }[] } };
    };
    const id = found.data.institutions.nodes[0].id;
    const questions = [
      { name: "hub's part, /subgraph (no gateway)", url: subgraphUrl, query: HUB_PART, joined: false },
      { name: "hub's part, /graphql (through the gateway)", url: hub.url, query: HUB_PART, joined: false },
      { name: 'joined with the building, /graphql', url: hub.url, query: JOIN, joined: true },
    ];
    console.log(`gateway.bench: ${runs} sequential requests per question after 20 unmeasured, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    console.log('| question | p50 | p95 | hub CPU / request | housing CPU / request |');
    console.log('| --- | --- | --- | --- | --- |');
    const p50: number[] = [];
    for (const q of questions) {
      for (let i = 0; i < 20; i++) await ask(q.url, key, q.query, { id });
      const times: number[] = [];
      const [hub0, housing0] = [processCpuMs(hub.proc.pid!), processCpuMs(housing.pid)];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const r = await ask(q.url, key, q.query, { id });
        times.push(performance.now() - t0);
        const ok = !r.errors && !!r.data?.institution?.name && (!q.joined || typeof r.data.institution.building?.yearBuilt === 'number');
        if (!ok) throw new Error(`${q.name}: ${JSON.stringify(r).slice(0, 300)}`);
      }
      const [hubCpu, housingCpu] = [(processCpuMs(hub.proc.pid!) - hub0) / runs, (processCpuMs(housing.pid) - housing0) / runs];
      times.sort((a, b) => a - b);
      p50.push(percentile(times, 50));
      console.log(`| ${q.name} | ${fmt(percentile(times, 50), 2)} ms | ${fmt(percentile(times, 95), 2)} ms | ${fmt(hubCpu, 2)} ms | ${fmt(housingCpu, 2)} ms |`);
    }
    console.log(`\nthe gateway's cost on a hub-only question, p50: ${fmt(p50[1] - p50[0], 2)} ms; the join against the hub's part alone, p50: +${fmt(p50[2] - p50[0], 2)} ms`);
  } finally {
    await hub.stop();
    housing.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
