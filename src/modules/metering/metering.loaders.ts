import DataLoader from 'dataloader';
import type pg from 'pg';
import type { Principal } from '../../access/principal';
import { byKey, groupByKey } from '../../graphql/batch';
import type { LoaderOptions } from '../registry/registry.loaders';
import { batchesById, metersById, metersOfInstitutions, readingsById, revisionsOf } from './metering.repository';
import type { MeterAccessRow, MeterReadRow, ReadingAccessRow, ReadingBatchRow, ReadingRevisionRow, ReadingRow } from './metering.types';

export function meteringLoaders(pool: pg.Pool, principal: Principal, opts: LoaderOptions) {
  /** Every meter by id, with whether the principal may read it: the checks of meter(id), readings and node(id). */
  const meterAccessById = new DataLoader<number, MeterAccessRow | null>(async (ids) => byKey(ids, await metersById(pool, principal, ids), (a) => a.meter.id), opts);
  return {
    meterAccessById,
    /**
     * Meters by id, narrowed to what the principal may read (others come back null): through
     * meterAccessById, so a meter its request has checked is not read again.
     */
    meterById: new DataLoader<number, MeterReadRow | null>(
      async (ids) => (await meterAccessById.loadMany(ids)).map((a) => (a instanceof Error ? a : a?.readable ? a.meter : null)),
      opts,
    ),
    /** Readings by id, with whether the principal may read each one's meter (node(id), batched for nodes(ids)). */
    readingAccessById: new DataLoader<string, ReadingAccessRow | null>(async (ids) => byKey(ids, await readingsById(pool, principal, ids), (a) => a.reading.id), opts),
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

/** The loaders of metering's reads, made per request. */
export type MeteringLoaders = ReturnType<typeof meteringLoaders>;

const readingKey = (r: Pick<ReadingRow, 'id' | 'periodStart'>) => `${r.id}|${r.periodStart.getTime()}`;
