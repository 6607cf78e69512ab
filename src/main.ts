#!/usr/bin/env node
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';
import { UsageError } from './cli/args';
import { logger } from './logger';

// Each command is loaded when it runs: the schema, the entities and the ORM take seconds to
// load on a busy machine, and `--help` or a usage error needs none of them.

const USAGE = `usage: ewc-hub <command> [options]

commands:
  start                         start the hub (embedded PostgreSQL unless DATABASE_URL is set)
  migrate                       apply pending migrations
  seed demo                     load the Shaoyang demo data into an empty database
  keys create (--agency <CODE> | --institution <id> | --esco <id>) --role <admin|editor|viewer>
              [--name <label>] [--budget <points per minute>]
                                create an API key; the key alone is the last line of stdout
  keys budget <id> <points per minute|default>
                                change a key's budget of cost points per minute
  keys revoke <id>              revoke a key
  import readings <file.csv|file.xlsx> [--mapping <mapping.json>]
                                load readings from a file in one transaction (all or nothing);
                                every problem of the file goes to <file>.rejected.csv
  import weather <file.csv> [--source <text>]
                                load daily temperatures of weather stations
  export assessment --year <YYYY> [--out <file.csv|file.xlsx>]
                                the annual assessment round; .xlsx has Chinese headers
  export audit --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--out <file.csv>]
                                the audit trail of those days, one line per changed field
  schema [--subgraph]           write the GraphQL SDL to schema/schema.graphql and schema/subgraph.graphql
                                (--subgraph: print the Federation 2 subgraph SDL)
  migration:create [name]       (development) write the migration the entities need

options:
  --help, -h                    this text (also after a command)
  --version, -v                 the version of ewc-hub

Environment: PORT, HOST, DATABASE_URL, EWC_DATA_DIR, EWC_TIMEZONE, EWC_DEMO, LOG_LEVEL,
EWC_STATEMENT_TIMEOUT_MS (README.md, "Configuration"). A mistake in the arguments prints one line
on stderr and exits with 2.`;

/** The version of package.json, read without loading anything else. */
function version(): string {
  return (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (argv.includes('--help') || argv.includes('-h') || command === 'help' || command === undefined) {
    console.log(USAGE);
    return;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    console.log(version());
    return;
  }
  const config = loadConfig();
  logger.setLevel(config.logLevel);
  switch (command) {
    case 'start':
      return (await import('./cli/start.command.js')).startCommand(config);
    case 'seed':
      return (await import('./cli/seed.command.js')).seedCommand(config, rest);
    case 'keys':
      return (await import('./cli/keys.command.js')).keysCommand(config, rest);
    case 'export':
      return (await import('./cli/export.command.js')).exportCommand(config, rest);
    case 'import':
      return (await import('./cli/import.command.js')).importCommand(config, rest);
    case 'schema':
      return (await import('./cli/schema.command.js')).schemaCommand(rest);
    case 'migrate':
      return (await import('./cli/migrate.command.js')).migrateCommand(config);
    case 'migration:create':
      return (await import('./cli/migrate.command.js')).createMigrationCommand(config, rest[0]);
    default:
      throw new UsageError(`unknown command "${command}" (ewc-hub --help lists the commands)`);
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError) {
    // One line: the first line of the message (usage texts are for --help).
    process.stderr.write(`ewc-hub: ${err.message.split('\n')[0]}\n`);
    process.exit(2);
  }
  // Not the user's mistake: say what failed in one line; the stack is for LOG_LEVEL=debug.
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  process.stderr.write(`ewc-hub: ${message}\n`);
  if (process.env.LOG_LEVEL === 'debug' && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
