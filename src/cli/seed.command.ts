import type { Config } from '../config';
import { openDatabase } from '../app/database';
import { seedDemo } from '../demo/demo.seeder';
import { UsageError } from './args';

export async function seedCommand(config: Config, argv: string[]): Promise<void> {
  if (argv[0] !== 'demo' || argv.length !== 1) throw new UsageError('usage: seed demo');
  const db = await openDatabase(config, { admin: true });
  try {
    const stats = await seedDemo(db, config.dataDir);
    console.log(
      stats.seeded
        ? `loaded ${stats.rows} rows (${stats.readings} readings) in ${(stats.ms / 1000).toFixed(1)} s, ${Math.round(stats.rows / (stats.ms / 1000))} rows/s`
        : 'the database already holds institutions; demo data not loaded',
    );
  } finally {
    await db.close();
  }
}
