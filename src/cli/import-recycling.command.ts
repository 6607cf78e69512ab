import path from 'node:path';
import { UsageError } from './args';
import type { Config } from '../config';
import { openDatabase } from '../app/database';
import { cliScope, runAudited } from '../modules/audit/audit.scope';
import { ImportRejectedError } from '../modules/imports/import.service';
import { ImportFileError } from '../modules/imports/reading-file.parser';
import { PgPubSub } from '../modules/realtime/pg-pubsub';
import { currentMonth } from '../modules/recycling/recycling-ingest.service';
import { publishRecycling } from '../modules/recycling/recycling.events';
import { importRecycling } from '../modules/recycling/recycling.import';

/** `import recycling FILE`: a monthly recycling ledger, all rows or none; running hubs hear of it. */
export async function importRecyclingFile(config: Config, file: string, shown: string): Promise<void> {
  const db = await openDatabase(config, { admin: true });
  try {
    const r = await runAudited(cliScope('import recycling'), () =>
      importRecycling(db.pool, file, { submittedBy: `cli import ${path.basename(file)}`, thisMonth: currentMonth(db.timezone) }),
    );
    const pubsub = new PgPubSub(db);
    try {
      publishRecycling({ pubsub }, r);
    } finally {
      await pubsub.close();
    }
    console.log(`imported ${r.accepted} recycling records (${r.duplicates} duplicates) of ${r.rows} rows`);
  } catch (err) {
    if (err instanceof ImportFileError) throw new UsageError(`${shown}: ${err.message}`);
    if (!(err instanceof ImportRejectedError)) throw err;
    process.stderr.write(`ewc-hub: ${err.message}\n`);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}
