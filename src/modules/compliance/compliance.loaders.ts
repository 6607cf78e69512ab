import DataLoader from 'dataloader';
import type pg from 'pg';
import { groupByKey } from '../../graphql/batch';
import type { LoaderOptions } from '../registry/registry.loaders';
import { rectificationEventsOf } from './compliance.repository';
import type { RectificationEventRow } from './compliance.types';

/** A list of rectification cases with their history costs one statement for the history, not one per case. */
export function complianceLoaders(pool: pg.Pool, opts: LoaderOptions) {
  return {
    rectificationHistory: new DataLoader<number, RectificationEventRow[]>(async (ids) => groupByKey(ids, await rectificationEventsOf(pool, ids), (e) => e.caseId), opts),
  };
}
