import DataLoader from 'dataloader';
import type pg from 'pg';
import type { Principal } from '../../access/principal';
import { byKey, groupByKey } from '../../graphql/batch';
import type { LoaderOptions } from '../registry/registry.loaders';
import { batchesById, metersOfInstitutions, readableMetersById, revisionsOf } from './metering.repository';
import type { MeterReadRow, ReadingBatchRow, ReadingRevisionRow, ReadingRow } from './metering.types';

export function meteringLoaders(pool: pg.Pool, principal: Principal, opts: LoaderOptions) {
  return {
    /** Meters by id, already narrowed to what the principal may read (others come back null). */
    meterById: new DataLoader<number, MeterReadRow | null>(async (ids) => byKey(ids, await readableMetersById(pool, principal, ids), (m) => m.id), opts),
    /** The meters of each institution that the principal may read. */
    metersByInstitution: new DataLoader<number, MeterReadRow[]>(
      async (ids) => groupByKey(ids, await metersOfInstitutions(pool, principal, ids), (m) => m.institution.id),
      opts,
    ),
    batchById: new DataLoader<number, ReadingBatchRow | null>(async (ids) => byKey(ids, await batchesById(pool, ids), (b) => b.id), opts),
    // A reading's key is (id, periodStart): the table is partitioned by periodStart.
    revisionsByReading: new DataLoader<Pick<ReadingRow, 'id' | 'periodStart'>, ReadingRevisionRow[], string>(
      async (readings) => groupByKey(readings.map(readingKey), await revisionsOf(pool, readings), (v) => readingKey({ id: v.readingId, periodStart: v.readingPeriodStart })),
      { ...opts, cacheKeyFn: readingKey },
    ),
  };
}

const readingKey = (r: Pick<ReadingRow, 'id' | 'periodStart'>) => `${r.id}|${r.periodStart.getTime()}`;
