#!/usr/bin/env node
import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { UsageError } from './cli/args';
import { logger } from './logger';

// Each command is loaded when it runs: the schema, the entities and the ORM take seconds to
// load on a busy machine, and `--help` or a usage error needs none of them.

const USAGE = `usage: ewc-hub <command>
  start                         start the hub (embedded PostgreSQL unless DATABASE_URL is set)
  migrate                       apply pending migrations
  seed demo                     load the Shaoyang demo data into an empty database
  keys create (--agency <CODE> | --institution <id>) --role <admin|editor|viewer> [--name <label>]
  keys revoke <id>
  export assessment --year <YYYY> [--out <file.csv>]
                                the annual assessment round as CSV
  import readings <file.csv|file.xlsx> [--mapping <mapping.json>]
                                load readings from a file in one transaction; bad rows go to <file>.rejected.csv
  schema [--subgraph]           write the GraphQL SDL to schema/schema.graphql and schema/subgraph.graphql
                                (--subgraph: print the Federation 2 subgraph SDL)
  migration:create [name]       (development) write the migration the entities need`;

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
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
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return;
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError) {
    process.stderr.write(`ewc-hub: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`ewc-hub: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
