import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { openDatabase } from '../app/database';
import { ImportRejectedError, importReadings } from '../modules/imports/import.service';
import { ImportFileError, parseMapping, type ColumnMap } from '../modules/imports/reading-file.parser';
import { parseFlags, UsageError } from './args';
import { afterIngest } from '../modules/accounting/after-ingest';
import { PgPubSub } from '../modules/realtime/pg-pubsub';
import { cliOperator, cliScope, runAudited } from '../modules/audit/audit.scope';
import { WeatherService } from '../modules/weather/weather.service';
import { ValidationError } from '../errors/domain-errors';
import { setLiveLine } from '../logger';
import { importLedgerFile, RECYCLING, VEHICLE_ENERGY } from './import-ledger.command';

const USAGE = 'usage: import readings <file.csv|file.xlsx> [--mapping <mapping.json>] | import weather <file.csv> [--source <text>] | import vehicle-energy <file.csv|file.xlsx> | import recycling <file.csv|file.xlsx>';
/** Without a terminal (logs, CI) a line per this many rows; a redrawn bar would be noise there. */
const PLAIN_PROGRESS_EVERY = 100_000;
const BAR_WIDTH = 24;

const seconds = (s: number) => (s >= 90 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`);

/**
 * Rows, rows/s and, from the bytes read out of the file's size, share done and ETA. `done` shows
 * the final count (the last update may fall between redraws) and leaves the line in place.
 */
function progressReporter(t0: number, size: number): { update: (rows: number, bytes: number) => void; done: (rows: number | null) => void } {
  const elapsed = () => Math.max((Date.now() - t0) / 1000, 0.001);
  const rate = (rows: number) => Math.round(rows / elapsed()).toLocaleString('en-US');
  const share = (bytes: number) => (size > 0 ? Math.min(bytes / size, 1) : 0);
  const eta = (bytes: number) => (share(bytes) > 0 ? seconds((elapsed() * (1 - share(bytes))) / share(bytes)) : '?');
  if (!process.stderr.isTTY) {
    let next = PLAIN_PROGRESS_EVERY;
    let printed = 0;
    return {
      update: (rows, bytes) => {
        if (rows < next) return;
        next = rows - (rows % PLAIN_PROGRESS_EVERY) + PLAIN_PROGRESS_EVERY;
        printed = rows;
        process.stderr.write(`read ${rows} rows (${Math.round(share(bytes) * 100)}%), ${rate(rows)} rows/s, ETA ${eta(bytes)}\n`);
      },
      done: (rows) => {
        if (rows !== null && printed > 0 && rows !== printed) process.stderr.write(`read ${rows} rows (100%), ${rate(rows)} rows/s\n`);
      },
    };
  }
  let last = 0;
  let text = '';
  const draw = () => process.stderr.write(`\r${text}\x1b[K`);
  const render = (rows: number, fraction: number, tail: string) => {
    const filled = Math.round(fraction * BAR_WIDTH);
    text = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.round(fraction * 100)}%  ${rows.toLocaleString('en-US')} rows  ${rate(rows)} rows/s${tail}`;
    draw();
  };
  // A log line written meanwhile goes above the bar, never into it.
  setLiveLine({ clear: () => text && process.stderr.write('\r\x1b[K'), redraw: () => text && draw() });
  return {
    update: (rows, bytes) => {
      if (Date.now() - last < 100) return;
      last = Date.now();
      render(rows, share(bytes), `  ETA ${eta(bytes)}`);
    },
    done: (rows) => {
      setLiveLine(null);
      if (rows !== null) {
        render(rows, 1, '');
        process.stderr.write('\n');
      } else if (text) {
        process.stderr.write('\r\x1b[K');
      }
      text = '';
    },
  };
}

function readMapping(file: string): ColumnMap {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : code === 'EACCES' ? 'not readable' : `not JSON (${(err as Error).message})`;
    throw new UsageError(`--mapping ${file}: ${why}`);
  }
  try {
    return parseMapping(json);
  } catch (err) {
    throw new UsageError(`--mapping ${file}: ${(err as Error).message}`);
  }
}

/** `import weather FILE`: the same all-or-nothing rules as over GraphQL (bad rows listed, nothing written). */
async function importWeatherFile(config: Config, file: string, shown: string, source: string | undefined): Promise<void> {
  const db = await openDatabase(config);
  try {
    // The CLI runs with the operator's rights on the database: as GOA, the agency that runs the hub.
    const principal = cliOperator();
    const r = await runAudited(cliScope('import weather'), () => new WeatherService(db.pool, principal, db.timezone).importCsv(readFileSync(file, 'utf8'), source ?? path.basename(file), principal.keyName));
    console.log(`imported ${r.rows} weather days (${r.changed} added or changed) for ${r.stations.join(', ')}`);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    process.stderr.write(`ewc-hub: ${shown}: nothing imported: ${err.problems.slice(0, 20).map((p) => (p.index === undefined ? '' : `row ${p.index}: `) + `${p.field}: ${p.message}`).join('; ')}${err.problems.length > 20 ? ` (and ${err.problems.length - 20} more)` : ''}\n`);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}

export async function importCommand(config: Config, argv: string[]): Promise<void> {
  const { flags, positional } = parseFlags(argv, ['mapping', 'source']);
  if (positional[0] === 'weather' && positional.length === 2) {
    const file = path.resolve(positional[1]);
    if (!existsSync(file)) throw new UsageError(`no such file: ${positional[1]}`);
    return importWeatherFile(config, file, positional[1], flags.source);
  }
  if ((positional[0] === 'vehicle-energy' || positional[0] === 'recycling') && positional.length === 2) {
    const file = path.resolve(positional[1]);
    if (!existsSync(file)) throw new UsageError(`no such file: ${positional[1]}`);
    return positional[0] === 'recycling' ? importLedgerFile(config, RECYCLING, file, positional[1]) : importLedgerFile(config, VEHICLE_ENERGY, file, positional[1]);
  }
  if (positional[0] !== 'readings' || positional.length !== 2) throw new UsageError(USAGE);
  const file = path.resolve(positional[1]);
  if (!existsSync(file)) throw new UsageError(`no such file: ${positional[1]}`);
  const mapping = flags.mapping ? readMapping(flags.mapping) : undefined;
  const db = await openDatabase(config, { admin: true });
  const t0 = Date.now();
  const progress = progressReporter(t0, statSync(file).size);
  try {
    const r = await runAudited(cliScope('import readings'), () =>
      importReadings(db.pool, file, db.timezone, { submittedBy: `cli import ${path.basename(file)}`, mapping, onProgress: progress.update }),
    );
    progress.done(r.rows);
    // Running hubs hear of the new readings as after a GraphQL batch (LISTEN/NOTIFY).
    const pubsub = new PgPubSub(db);
    try {
      await afterIngest({ db, pubsub }, r.events, r.refreshedMonths);
    } finally {
      await pubsub.close();
    }
    const s = r.ms / 1000;
    const p = r.phases;
    const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `imported ${r.accepted} readings (${r.duplicates} duplicates) in ${s.toFixed(1)} s, ${Math.round(r.rows / Math.max(s, 0.001))} rows/s ` +
        `(read ${sec(p.read)}, check ${sec(p.check)}, write ${sec(p.write)}, rollups ${sec(p.rollups)})` +
        (r.closedYearRows.rows ? `; ${r.closedYearRows.rows} in closed years (${r.closedYearRows.years.join(', ')}): pending recalculateYear` : ''),
    );
  } catch (err) {
    progress.done(null);
    if (err instanceof ImportFileError) throw new UsageError(`${positional[1]}: ${err.message}`);
    if (!(err instanceof ImportRejectedError)) throw err;
    // Not a usage error: the file was read, its rows were not acceptable.
    process.stderr.write(`ewc-hub: ${err.message}\n`);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}
