/**
 * Issue 6's fan-out figures: 1,000 graphql-ws subscribers on one hub process, with keys of ten
 * scopes (GOA, DRC, FINANCE, WATER, HOUSING, PUBLIC, four institutions), subscribed to
 * `readingsIngested`. Batches of readings over meters of every kind are ingested; each delivery's
 * latency is measured from the batch's commit (the event's `committedAt`, same machine clock) to
 * its arrival. Delivered events must equal expected events for every subscriber: no leak, no loss.
 * Also the hub process's CPU and peak memory while it fans out.
 *
 *   npm run build && node dist/bench/fanout.bench.js
 *
 * PROFILE_DIR=<folder> runs the hub under `node --cpu-prof` and leaves its profile there.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { fmt, percentile, post, startHub } from './lib';

const SUBSCRIBERS = 1000;
const BATCHES = 30;
const METERS_PER_BATCH = 5;
const WORKERS = 4;

interface WorkerReport {
  latencies: number[];
  received: [number, { count: number; total: number }][];
  /** Messages that carried errors instead of an event: subscriber and its first error's code. */
  errors: [number, string][];
}

interface MeterInfo {
  id: string;
  carrier: string;
  institution: string;
}

interface Scope {
  name: string;
  key: string;
  sees: (m: MeterInfo) => boolean;
  /** The error code its subscription is refused with, when the key may see no reading at all. */
  refused?: string;
}

/** CPU seconds (user + system) of a process, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-bench-fan-'));
  // 100 subscribers share each key: above the default per-key socket limit (20), which would refuse them.
  const profile = process.env.PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.PROFILE_DIR)}`] : [];
  const hub = await startHub({ EWC_DATA_DIR: dir, PORT: '0', EWC_DEMO: '1', EWC_WS_CONNECTIONS_PER_KEY: String(SUBSCRIBERS), EWC_SUBSCRIPTIONS_PER_KEY: String(SUBSCRIBERS) }, profile);
  try {
    const goa = hub.keys['GOA admin'];
    const wsUrl = hub.url.replace(/^http/, 'ws');
    const meters: MeterInfo[] = [];
    for (let after: string | null = null; ; ) {
      const r = await post(hub.url, goa, 'query($after: String) { meters(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id carrier institution { id } } } }', { after });
      for (const m of r.data.meters.nodes) meters.push({ id: m.id, carrier: m.carrier, institution: m.institution.id });
      if (!r.data.meters.pageInfo.hasNextPage) break;
      after = r.data.meters.pageInfo.endCursor;
    }
    const institutions = [...new Set(meters.map((m) => m.institution))].slice(0, 4);
    const keyFor = async (input: Record<string, string>) => (await post(hub.url, goa, 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }', { input: { role: 'viewer', ...input } })).data.createApiKey.key as string;
    const water = (m: MeterInfo) => m.carrier === 'WATER';
    const scopes: Scope[] = [
      { name: 'GOA', key: await keyFor({ agency: 'GOA' }), sees: () => true },
      { name: 'DRC', key: await keyFor({ agency: 'DRC' }), sees: () => true },
      { name: 'FINANCE', key: await keyFor({ agency: 'FINANCE' }), sees: () => true },
      { name: 'WATER', key: await keyFor({ agency: 'WATER' }), sees: water },
      { name: 'HOUSING', key: await keyFor({ agency: 'HOUSING' }), sees: () => true },
      { name: 'PUBLIC', key: await keyFor({ agency: 'PUBLIC' }), sees: () => false, refused: 'FORBIDDEN' },
      ...(await Promise.all(institutions.map(async (id, n) => ({ name: `institution ${n + 1}`, key: await keyFor({ institutionId: id }), sees: (m: MeterInfo) => m.institution === id })))),
    ];

    // Subscribers, spread evenly over the scopes, in worker processes so that parsing a thousand
    // sockets' messages does not queue behind one client event loop and inflate the figures.
    const workers = Array.from({ length: WORKERS }, (_, w) => {
      const child = fork(__filename, ['worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const mine = Array.from({ length: SUBSCRIBERS }, (_, i) => i).filter((i) => i % WORKERS === w);
      child.send({ wsUrl, subs: mine.map((i) => ({ i, key: scopes[i % scopes.length].key })) });
      // A worker whose subscriber is refused exits: the bench stops instead of waiting for it.
      const ready = new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`worker ${w} exited with ${code} before its subscribers were ready`)));
      });
      return { child, ready };
    });
    await Promise.all(workers.map((w) => w.ready));
    await new Promise((r) => setTimeout(r, 1000));
    console.log(`${SUBSCRIBERS} subscribers connected from ${WORKERS} processes over ${scopes.length} scopes (${scopes.map((s) => s.name).join(', ')})`);

    // Batches: each over METERS_PER_BATCH meters of every kind, one hourly reading each.
    const expected = new Map<number, { count: number; total: number }>(Array.from({ length: SUBSCRIBERS }, (_, i) => [i, { count: 0, total: 0 }]));
    const base = Date.parse('2025-03-01T00:00:00+08:00');
    let rss = rssBytes(hub.proc.pid!);
    const sampler = setInterval(() => (rss = Math.max(rss, rssBytes(hub.proc.pid!))), 50);
    const cpu0 = cpuSeconds(hub.proc.pid!);
    const t0 = performance.now();
    for (let b = 0; b < BATCHES; b++) {
      const chosen = Array.from({ length: METERS_PER_BATCH }, (_, k) => meters[(b * 37 + k * 7) % meters.length]);
      const unique = [...new Map(chosen.map((m) => [m.id, m])).values()];
      const rows = unique.map((m, k) => ({ meterId: m.id, periodStart: new Date(base + b * 3_600_000).toISOString(), periodEnd: new Date(base + (b + 1) * 3_600_000).toISOString(), value: 1 + k }));
      const r = await post(hub.url, goa, 'mutation($rows: [ReadingRowInput!]!) { ingestReadings(input: { rows: $rows }) { accepted } }', { rows });
      if (r.errors) throw new Error(JSON.stringify(r.errors).slice(0, 300));
      for (let i = 0; i < SUBSCRIBERS; i++) {
        const scope = scopes[i % scopes.length];
        const e = expected.get(i)!;
        unique.forEach((m, k) => {
          if (scope.sees(m)) {
            e.count++;
            e.total += 1 + k;
          }
        });
      }
      // A batch every quarter second: a busy city, each batch fanned out before the next.
      await new Promise((r) => setTimeout(r, 250));
    }
    const wantEvents = [...expected.values()].reduce((s, e) => s + e.count, 0);
    // Give the last deliveries time to land, then collect every worker's figures.
    await new Promise((r) => setTimeout(r, 3000));
    const wall = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(hub.proc.pid!) - cpu0;
    clearInterval(sampler);
    const latencies: number[] = [];
    const received = new Map<number, { count: number; total: number }>();
    const errors: [number, string][] = [];
    for (const { child } of workers) {
      const report = await new Promise<WorkerReport>((resolve) => {
        child.once('message', (m) => resolve(m as WorkerReport));
        child.send('report');
      });
      latencies.push(...report.latencies);
      for (const [i, r] of report.received) received.set(i, r);
      errors.push(...report.errors);
      child.kill();
    }

    latencies.sort((a, b) => a - b);
    console.log(`events expected ${wantEvents.toLocaleString('en-US')}, delivered ${latencies.length.toLocaleString('en-US')}`);
    console.log(`commit-to-delivery latency: p50 ${fmt(percentile(latencies, 50), 0)} ms, p99 ${fmt(percentile(latencies, 99), 0)} ms, max ${fmt(latencies[latencies.length - 1] ?? NaN, 0)} ms`);
    // A subscriber is exact when it got its events and no error, or (a refused scope) exactly its one refusal.
    const errorsOf = new Map<number, string[]>();
    for (const [i, code] of errors) errorsOf.set(i, [...(errorsOf.get(i) ?? []), code]);
    for (const [n, scope] of scopes.entries()) {
      let ok = 0;
      let subs = 0;
      for (let i = n; i < SUBSCRIBERS; i += scopes.length) {
        subs++;
        const got = received.get(i)!;
        const want = expected.get(i)!;
        const gotErrors = (errorsOf.get(i) ?? []).join(',');
        if (got.count === want.count && Math.abs(got.total - want.total) < 1e-6 && gotErrors === (scope.refused ?? '')) ok++;
      }
      const want = expected.get(n)!;
      const expectation = scope.refused ? `refused with ${scope.refused}` : `${want.count} events each expected`;
      console.log(`  ${scope.name.padEnd(14)} ${subs} subscribers, ${expectation}: ${ok === subs ? 'all exact' : `${subs - ok} WRONG`}`);
    }
    console.log(`hub process while fanning out: ${fmt((cpu / wall) * 100, 0)}% of one core (${fmt(cpu, 2)} CPU s over ${fmt(wall, 2)} s), peak RSS ${fmt(rss / 1024 / 1024, 0)} MB`);
  } finally {
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A worker: opens its share of the subscribers, records what arrives, reports when asked. */
function worker(): void {
  const latencies: number[] = [];
  const received = new Map<number, { count: number; total: number }>();
  const errors: [number, string][] = [];
  process.once('message', async (m) => {
    const { wsUrl, subs } = m as { wsUrl: string; subs: { i: number; key: string }[] };
    const opened = Promise.all(
      subs.map(({ i, key }) => {
        received.set(i, { count: 0, total: 0 });
        const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${key}` }, lazy: false, retryAttempts: 0 });
        return new Promise<void>((resolve, reject) => {
          client.on('connected', () => resolve());
          client.on('error', reject);
          client.subscribe(
            { query: 'subscription { readingsIngested { committedAt total } }' },
            {
              next: (msg) => {
                // An error in place of an event is a failed delivery, counted against its subscriber.
                if (msg.errors?.length || !msg.data) {
                  errors.push([i, String(msg.errors?.[0]?.extensions?.code ?? JSON.stringify(msg).slice(0, 200))]);
                  return;
                }
                const ev = (msg.data as { readingsIngested: { committedAt: string; total: number } }).readingsIngested;
                latencies.push(Date.now() - Date.parse(ev.committedAt));
                const r = received.get(i)!;
                r.count++;
                r.total += ev.total;
              },
              error: reject,
              complete: () => undefined,
            },
          );
        });
      }),
    );
    try {
      await opened;
    } catch (err) {
      console.error('subscriber refused:', err instanceof Error ? err.message : (err as { code?: number; reason?: string }).reason ?? err);
      process.exit(1);
    }
    process.send!('ready');
    process.on('message', () => process.send!({ latencies, received: [...received.entries()], errors } satisfies WorkerReport));
  });
}

if (process.argv[2] === 'worker') worker();
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
