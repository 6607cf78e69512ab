import type { EntityManager } from '@mikro-orm/postgresql';

/* SQL of the registry module beyond plain entity reads. */

/** A region and every region below it (one recursive query). */
export async function regionSubtreeIds(em: EntityManager, regionId: number): Promise<number[]> {
  const rows: { id: number }[] = await em.getConnection().execute(
    `WITH RECURSIVE sub AS (SELECT id FROM region WHERE id = ? UNION ALL SELECT r.id FROM region r JOIN sub ON r.parent_id = sub.id)
     SELECT id FROM sub`,
    [regionId],
  );
  return rows.map((r) => r.id);
}
