import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { groupByKey } from '../../graphql/batch';
import type { LoaderOptions } from '../registry/registry.loaders';
import { RectificationEvent } from './rectification.entity';

/** A list of rectification cases with their history costs one statement for the history, not one per case. */
export function complianceLoaders(em: EntityManager, opts: LoaderOptions) {
  return {
    rectificationHistory: new DataLoader<number, RectificationEvent[]>(async (ids) => {
      const rows = await em.find(RectificationEvent, { rectificationCase: { $in: [...ids] } }, { orderBy: { id: 'asc' } });
      return groupByKey(ids, rows, (e) => e.rectificationCase.id);
    }, opts),
  };
}
