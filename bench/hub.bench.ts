/**
 * Issue 3's figures, from one run on one data directory:
 * fresh start (initdb + migrate + demo), warm start, demo rows/s, ingestReadings rows/s
 * in batches of 1,000, and p50/p95 of institutions(first: 50) { meters profile }.
 *
 *   npm run build && node dist/bench/hub.bench.js
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { electricityMeterIds, fmt, hourlyBatch, percentile, post, startHub } from './lib';

const NESTED = `query($first: Int, $year: Int!) { institutions(first: $first) { totalCount nodes { id name meters { id carrier unit serial } profile(year: $year) { year headcount floorAreaM2 } } } }`;
const INGEST = `mutation($input: IngestReadingsInput!) { ingestReadings(input: $input) { accepted duplicates corrected } }`;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-bench-'));
  const env = { EWC_DATA_DIR: dir, PORT: '0', EWC_DEMO: '1' };
  try {
    const fresh = await startHub(env);
    const demo = await post(fresh.url, fresh.keys['GOA admin'], '{ meters(first: 1) { totalCount } }');
    const stopMs = await fresh.stop();
    const warm = await startHub(env);
    const goa = warm.keys['GOA admin'];
    console.log(`fresh start (initdb + migrate + demo load): ${fmt(fresh.startMs / 1000, 2)} s`);
    console.log(`clean stop (drain, close, stop PostgreSQL):  ${fmt(stopMs / 1000, 2)} s`);
    console.log(`warm start (same data):                      ${fmt(warm.startMs / 1000, 2)} s`);
    console.log(`demo meters: ${demo.data.meters.totalCount}`);

    // Latency of the nested list, one client at a time, after a warm-up.
    for (let i = 0; i < 20; i++) await post(warm.url, goa, NESTED, { first: 50, year: 2023 });
    const times: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      const r = await post(warm.url, goa, NESTED, { first: 50, year: 2023 });
      times.push(performance.now() - t0);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
    }
    times.sort((a, b) => a - b);
    console.log(`institutions(first: 50) { meters profile }: p50 ${fmt(percentile(times, 50), 2)} ms, p95 ${fmt(percentile(times, 95), 2)} ms (300 sequential requests)`);

    // Ingest: 100 batches of 1,000 hourly rows spread over the demo's electricity meters.
    const ids = await electricityMeterIds(warm.url, goa);
    const batch = (b: number) => hourlyBatch(ids, b);
    const batches = 100;
    let accepted = 0;
    const t0 = performance.now();
    for (let b = 0; b < batches; b++) {
      const r = await post(warm.url, goa, INGEST, { input: { rows: batch(b) } });
      if (r.errors) throw new Error(JSON.stringify(r.errors).slice(0, 500));
      accepted += r.data.ingestReadings.accepted;
    }
    const secs = (performance.now() - t0) / 1000;
    console.log(`ingestReadings, ${batches} batches of 1,000 rows, one client: ${fmt(accepted / secs, 0)} rows/s (${accepted} rows in ${fmt(secs, 2)} s)`);

    // The same batches again: all duplicates, nothing written.
    const d0 = performance.now();
    let dupes = 0;
    for (let b = 0; b < 20; b++) dupes += (await post(warm.url, goa, INGEST, { input: { rows: batch(b) } })).data.ingestReadings.duplicates;
    console.log(`re-sent batches (all duplicates): ${fmt(dupes / ((performance.now() - d0) / 1000), 0)} rows/s`);
    await warm.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
