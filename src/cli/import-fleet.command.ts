import path from 'node:path';
import { UsageError } from './args';
import type { Config } from '../config';
import { openDatabase } from '../app/database';
import { cliScope, runAudited } from '../modules/audit/audit.scope';
import { ImportRejectedError } from '../modules/imports/import.service';
import { ImportFileError } from '../modules/imports/reading-file.parser';
import { PgPubSub } from '../modules/realtime/pg-pubsub';
import { publishEnergy } from '../modules/fleet/fleet.events';
import { importVehicleEnergy } from '../modules/fleet/vehicle-energy.import';

/** `import vehicle-energy FILE`: a fuel and charging ledger, all rows or none; running hubs hear of it. */
export async function importFleetFile(config: Config, file: string, shown: string): Promise<void> {
  const db = await openDatabase(config, { admin: true });
  try {
    const r = await runAudited(cliScope('import vehicle-energy'), () => importVehicleEnergy(db.pool, file, { submittedBy: `cli import ${path.basename(file)}` }));
    const pubsub = new PgPubSub(db);
    try {
      publishEnergy({ pubsub }, r);
    } finally {
      await pubsub.close();
    }
    console.log(`imported ${r.accepted} refuellings and chargings (${r.duplicates} duplicates) of ${r.rows} rows`);
  } catch (err) {
    if (err instanceof ImportFileError) throw new UsageError(`${shown}: ${err.message}`);
    if (!(err instanceof ImportRejectedError)) throw err;
    process.stderr.write(`ewc-hub: ${err.message}\n`);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}
