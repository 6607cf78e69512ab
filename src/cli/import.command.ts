import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { openDatabase } from '../db/database';
import { ImportRejectedError, importReadings } from '../modules/imports/import.service';
import { ImportFileError } from '../modules/imports/reading-file.parser';
import { UsageError } from './args';
import { afterIngest } from '../modules/accounting/after-ingest';
import { PgPubSub } from '../modules/realtime/pg-pubsub';

const USAGE = 'usage: import readings <file.csv|file.xlsx>';
/** Without a terminal (logs, CI) a line per this many rows; a redrawn bar would be noise there. */
const PLAIN_PROGRESS_EVERY = 100_000;

function progressReporter(t0: number): { update: (rows: number) => void; done: () => void } {
  const rate = (rows: number) => Math.round(rows / Math.max((Date.now() - t0) / 1000, 0.001));
  if (!process.stderr.isTTY) {
    let next = PLAIN_PROGRESS_EVERY;
    return {
      update: (rows) => {
        if (rows < next) return;
        next = rows - (rows % PLAIN_PROGRESS_EVERY) + PLAIN_PROGRESS_EVERY;
        process.stderr.write(`read ${rows} rows, ${rate(rows)} rows/s\n`);
      },
      done: () => undefined,
    };
  }
  let last = 0;
  let drawn = false;
  return {
    update: (rows) => {
      if (Date.now() - last < 100) return;
      last = Date.now();
      drawn = true;
      const spin = '|/-\\'[Math.floor(last / 100) % 4];
      process.stderr.write(`\r${spin} reading: ${rows.toLocaleString('en-US')} rows, ${rate(rows).toLocaleString('en-US')} rows/s\x1b[K`);
    },
    done: () => {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

export async function importCommand(config: Config, argv: string[]): Promise<void> {
  if (argv[0] !== 'readings' || argv.length !== 2) throw new UsageError(USAGE);
  const file = path.resolve(argv[1]);
  if (!existsSync(file)) throw new UsageError(`no such file: ${argv[1]}`);
  const db = await openDatabase(config);
  const t0 = Date.now();
  const progress = progressReporter(t0);
  try {
    const r = await importReadings(db.pool, file, db.timezone, { submittedBy: `cli import ${path.basename(file)}`, onProgress: progress.update });
    progress.done();
    // Running hubs hear of the new readings as after a GraphQL batch (LISTEN/NOTIFY).
    const pubsub = new PgPubSub(db);
    try {
      await afterIngest({ db, em: db.orm.em.fork(), pubsub }, r.events, r.refreshedMonths);
    } finally {
      await pubsub.close();
    }
    const s = r.ms / 1000;
    console.log(`imported ${r.accepted} readings (${r.duplicates} duplicates) in ${s.toFixed(1)} s, ${Math.round(r.rows / Math.max(s, 0.001))} rows/s`);
  } catch (err) {
    progress.done();
    if (err instanceof ImportFileError) throw new UsageError(`${argv[1]}: ${err.message}`);
    if (!(err instanceof ImportRejectedError)) throw err;
    // Not a usage error: the file was read, its rows were not acceptable.
    process.stderr.write(`ewc-hub: ${err.message}\n`);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}
