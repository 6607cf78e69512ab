import path from 'node:path';
import { UsageError } from '../../cli/args';
import type { Config } from '../../config';
import { openDatabase } from '../../db/database';
import { cliScope, runAudited } from '../audit/audit.scope';
import { ImportRejectedError } from '../imports/import.service';
import { ImportFileError } from '../imports/reading-file.parser';
import { PgPubSub } from '../realtime/pg-pubsub';
import { publishEnergy } from './fleet.events';
import { importVehicleEnergy } from './vehicle-energy.import';

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
