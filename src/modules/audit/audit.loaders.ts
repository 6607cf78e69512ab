import DataLoader from 'dataloader';
import type pg from 'pg';
import type { LoaderOptions } from '../registry/registry.loaders';
import { usageOf } from './audit.repository';
import type { KeyUsageDay } from './audit.types';

/** `apiKeys { usage(from, to) }` over a page of keys: one statement per distinct range, not per key. */
export function auditLoaders(pool: pg.Pool, opts: LoaderOptions) {
  return {
    usageByKey: new DataLoader<string, KeyUsageDay[]>(async (keys) => {
      const ranges = new Map<string, number[]>();
      for (const k of keys) {
        const [id, from, to] = k.split('|');
        const range = `${from}|${to}`;
        ranges.set(range, [...(ranges.get(range) ?? []), Number(id)]);
      }
      const found = new Map<string, KeyUsageDay[]>();
      for (const [range, ids] of ranges) {
        const [from, to] = range.split('|');
        for (const r of await usageOf(pool, ids, from, to)) {
          const k = `${r.key_id}|${range}`;
          found.set(k, [...(found.get(k) ?? []), { day: r.day, requests: r.requests, rows: r.rows }]);
        }
      }
      return keys.map((k) => found.get(k) ?? []);
    }, opts),
  };
}
