/**
 * What the audit trail costs a change: `ingestReadings` of 1,000 rows and `updateInstitution`
 * timed end to end (p50 over sequential requests), and the audit insert alone, replayed with the
 * very events those requests wrote (same statement as `record()`, in a rolled-back transaction).
 * Also the per-request cost of counting key usage (row count of an answer, map update) and of one
 * flush. Run: npm run build && node dist/bench/audit.bench.js
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../src/access/principal';
import { runAudited } from '../src/modules/audit/audit.scope';
import { record, type ObjectChange } from '../src/modules/audit/audit.service';
import { countRows, KeyUsage } from '../src/modules/audit/key-usage';
import { electricityMeterIds, fmt, hourlyBatch, percentile, post, runBench, withDemoHub } from './lib';

const INGEST = 'mutation($input: IngestReadingsInput!) { ingestReadings(input: $input) { accepted } }';
const UPDATE = 'mutation($id: ID!, $name: String!) { updateInstitution(id: $id, input: { name: $name }) { id } }';
const p50 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

runBench(() =>
  withDemoHub(async ({ db, url, goa }) => {
    const ids = await electricityMeterIds(url, goa);
    const batch = (b: number) => hourlyBatch(ids, b);

    const ingestMs: number[] = [];
    for (let b = 0; b < 40; b++) {
      const t0 = performance.now();
      const r = await post(url, goa, INGEST, { input: { rows: batch(b) } });
      if (r.errors || r.data.ingestReadings.accepted !== 1000) throw new Error(JSON.stringify(r).slice(0, 300));
      if (b >= 5) ingestMs.push(performance.now() - t0);
    }

    const inst = await post(url, goa, '{ institutions(first: 1) { nodes { id name } } }');
    const { id, name } = inst.data.institutions.nodes[0];
    const updateMs: number[] = [];
    for (let i = 0; i < 105; i++) {
      const t0 = performance.now();
      const r = await post(url, goa, UPDATE, { id, name: i % 2 ? name : `${name} (bench)` });
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      if (i >= 5) updateMs.push(performance.now() - t0);
    }

    // The insert alone, with the events just written (the last batch's and the last rename's).
    const insertMs = async (operation: string): Promise<number> => {
      const [ev] = (await db.pool.query(`SELECT * FROM audit_event WHERE operation = $1 ORDER BY id DESC LIMIT 1`, [operation])).rows;
      const actor: Principal = { keyId: ev.key_id, keyName: ev.key_name, subject: ev.subject, role: ev.role, agencyCode: ev.subject, institutionId: null, escoId: null };
      const changes = ev.changes as ObjectChange[];
      const times: number[] = [];
      const client = await db.pool.connect();
      try {
        for (let i = 0; i < 205; i++) {
          await client.query('BEGIN');
          const t0 = performance.now();
          await runAudited({ requestId: randomUUID(), operation }, () => record(client, { actor, changes, institutionIds: ev.institution_ids }));
          if (i >= 5) times.push(performance.now() - t0);
          await client.query('ROLLBACK');
        }
      } finally {
        client.release();
      }
      return p50(times);
    };
    const ingestInsert = await insertMs('ingestReadings');
    const updateInsert = await insertMs('updateInstitution');
    console.log(`ingestReadings of 1,000 rows: p50 ${fmt(p50(ingestMs), 2)} ms per batch (35 batches); its audit insert alone: p50 ${fmt(ingestInsert, 3)} ms (${fmt((100 * ingestInsert) / p50(ingestMs), 2)}% of the batch)`);
    console.log(`updateInstitution: p50 ${fmt(p50(updateMs), 2)} ms (100 requests); its audit insert alone: p50 ${fmt(updateInsert, 3)} ms (${fmt((100 * updateInsert) / p50(updateMs), 1)}% of the request)`);

    // Key usage: counting an answer of 50 institutions with their meters, then one flush of 100 keys.
    const answer = await post(url, goa, '{ institutions(first: 50) { edges { node { id name meters { id serial } } } } }');
    const usage = new KeyUsage(db.pool, db.timezone);
    const n = 20_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) usage.count(1 + (i % 100), countRows(answer.data));
    const perRequestUs = ((performance.now() - t0) * 1000) / n;
    const f0 = performance.now();
    await usage.stop();
    console.log(`key usage: ${fmt(perRequestUs, 2)} µs per request (count ${countRows(answer.data)} rows of a 50-institution answer, update the map); one flush of 100 keys: ${fmt(performance.now() - f0, 2)} ms`);
  }),
);
