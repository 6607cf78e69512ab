import path from 'node:path';
import { UsageError } from './args';
import type { Config } from '../config';
import { openDatabase } from '../app/database';
import type { Database } from '../db/database';
import type { AfterIngestScope } from '../modules/accounting/after-ingest';
import { cliScope, runAudited } from '../modules/audit/audit.scope';
import { publishEnergy } from '../modules/fleet/fleet.events';
import { importVehicleEnergy } from '../modules/fleet/vehicle-energy.import';
import { ImportRejectedError } from '../modules/imports/import.service';
import { ImportFileError } from '../modules/imports/reading-file.parser';
import { PgPubSub } from '../modules/realtime/pg-pubsub';
import { currentMonth } from '../modules/recycling/recycling-ingest.service';
import { publishRecycling } from '../modules/recycling/recycling.events';
import { importRecycling } from '../modules/recycling/recycling.import';
import type { ClosedYearRows } from '../modules/accounting/closed-years';

/** A ledger the CLI imports besides readings: how to import it, tell running hubs, and say what it did. */
export interface LedgerCommand<R> {
  name: string;
  import(db: Database, file: string, submittedBy: string): Promise<R>;
  /** Vehicle energy also announces indicatorUpdated and checks the compliance projections (it is part of energyKgce). */
  publish(ctx: AfterIngestScope, result: R): void | Promise<void>;
  summary(result: R): string;
}

/** Rows written into closed years, as `import readings` says them. */
const inClosedYears = (c: ClosedYearRows) => (c.rows ? `; ${c.rows} in closed years (${c.years.join(', ')}): pending recalculateYear` : '');

export const VEHICLE_ENERGY: LedgerCommand<Awaited<ReturnType<typeof importVehicleEnergy>>> = {
  name: 'vehicle-energy',
  import: (db, file, submittedBy) => importVehicleEnergy(db.pool, file, { submittedBy }),
  publish: publishEnergy,
  summary: (r) => `imported ${r.accepted} refuellings and chargings (${r.duplicates} duplicates) of ${r.rows} rows${inClosedYears(r.closedYearRows)}`,
};

export const RECYCLING: LedgerCommand<Awaited<ReturnType<typeof importRecycling>>> = {
  name: 'recycling',
  import: (db, file, submittedBy) => importRecycling(db.pool, file, { submittedBy, thisMonth: currentMonth(db.timezone) }),
  publish: publishRecycling,
  summary: (r) => `imported ${r.accepted} recycling records (${r.duplicates} duplicates) of ${r.rows} rows${inClosedYears(r.closedYearRows)}`,
};

/** `import vehicle-energy FILE` and `import recycling FILE`: all rows or none; running hubs hear of it. */
export async function importLedgerFile<R>(config: Config, command: LedgerCommand<R>, file: string, shown: string): Promise<void> {
  const db = await openDatabase(config, { admin: true });
  try {
    const r = await runAudited(cliScope(`import ${command.name}`), () => command.import(db, file, `cli import ${path.basename(file)}`));
    const pubsub = new PgPubSub(db);
    try {
      await command.publish({ db, pubsub }, r);
    } finally {
      await pubsub.close();
    }
    console.log(command.summary(r));
  } catch (err) {
    if (err instanceof ImportFileError) throw new UsageError(`${shown}: ${err.message}`);
    if (!(err instanceof ImportRejectedError)) throw err;
    process.stderr.write(`ewc-hub: ${err.message}\n`);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}
