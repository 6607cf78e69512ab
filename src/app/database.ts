import type { Config } from '../config';
import { connectDatabase, type Database, type DatabaseSchema } from '../db/database';
import { ensurePartitionsAhead } from '../modules/metering/partitions';
import { ENTITIES } from './entities';

export type { Database } from '../db/database';

/** The hub's database: every module's entities, and the readings' monthly partitions kept ahead after each migration run. */
export const HUB_SCHEMA: DatabaseSchema = { entities: ENTITIES, afterMigrate: (pool) => ensurePartitionsAhead(pool) };

/** Opens the hub's database (connectDatabase says what `admin` and `migrate` do). */
export function openDatabase(config: Config, opts: { migrate?: boolean; admin?: boolean } = {}): Promise<Database> {
  return connectDatabase(config, HUB_SCHEMA, opts);
}
