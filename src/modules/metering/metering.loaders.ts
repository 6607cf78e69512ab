import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type pg from 'pg';
import type { Principal } from '../../access/principal';
import { byKey, groupByKey } from '../../graphql/batch';
import type { LoaderOptions } from '../registry/registry.loaders';
import { meterReadWhere } from './meter-scope';
import { Meter } from './meter.entity';
import { metersOfInstitutions } from './metering.repository';
import type { MeterReadRow } from './metering.types';
import { ReadingBatch } from './reading-batch.entity';
import type { Reading } from './reading.entity';
import { ReadingRevision } from './reading-revision.entity';

export function meteringLoaders(em: EntityManager, pool: pg.Pool, principal: Principal, opts: LoaderOptions) {
  const scope = meterReadWhere(principal);
  return {
    /** Meters by id, already narrowed to what the principal may read (others come back null). */
    meterById: new DataLoader<number, Meter | null>(async (ids) => {
      if (!scope) return ids.map(() => null);
      return byKey(ids, await em.find(Meter, { $and: [scope, { id: { $in: [...ids] } }] }), (m) => m.id);
    }, opts),
    /** The meters of each institution that the principal may read. */
    metersByInstitution: new DataLoader<number, MeterReadRow[]>(async (ids) => {
      if (!scope) return ids.map(() => []);
      return groupByKey(ids, await metersOfInstitutions(pool, principal, ids), (m) => m.institution.id);
    }, opts),
    batchById: new DataLoader<number, ReadingBatch | null>(
      async (ids) => byKey(ids, await em.find(ReadingBatch, { id: { $in: [...ids] } }), (b) => b.id),
      opts,
    ),
    // A reading's key is (id, periodStart): the table is partitioned by periodStart.
    revisionsByReading: new DataLoader<Reading, ReadingRevision[], string>(
      async (readings) =>
        groupByKey(
          readings.map(readingKey),
          await em.find(ReadingRevision, { reading: { $in: readings.map((r) => [r.id, r.periodStart]) } }, { orderBy: { id: 'asc' } }),
          (v) => readingKey(v.reading.unwrap()),
        ),
      { ...opts, cacheKeyFn: readingKey },
    ),
  };
}

const readingKey = (r: Pick<Reading, 'id' | 'periodStart'>) => `${r.id}|${r.periodStart.getTime()}`;
