import type { Config } from '../config';
import { openDatabase } from '../app/database';
import { migrate, migratorOf } from '../db/database';

export async function migrateCommand(config: Config): Promise<void> {
  const db = await openDatabase(config, { migrate: false, admin: true });
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await db.close();
  }
}

/** Developer command: writes the migration the entities need next (then list it in migrations/index.ts). */
export async function createMigrationCommand(config: Config, name?: string): Promise<void> {
  const db = await openDatabase(config, { admin: true });
  try {
    const result = await (await migratorOf(db.orm)).createMigration(undefined, false, false, name);
    console.log(result.fileName ? `wrote migrations/${result.fileName}` : 'no changes: the entities match the migrations');
  } finally {
    await db.close();
  }
}
