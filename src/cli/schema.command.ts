import { writeFileSync } from 'node:fs';
import path from 'node:path';
// Entities that are also GraphQL types (ComplianceAlert is reached only through node(id)) register
// themselves when loaded; the hub always loads them, so the schema printed here must too.
import '../app/entities';
import { buildHubSubgraph, printHubSubgraph } from '../federation/subgraph';
import { createSchema, printSortedSchema } from '../graphql/schema';
import { UsageError } from './args';

export const SCHEMA_FILE = path.resolve(__dirname, '../../../schema/schema.graphql');
export const SUBGRAPH_FILE = path.resolve(__dirname, '../../../schema/subgraph.graphql');

/**
 * Writes the SDL the code builds to schema/schema.graphql and the Federation 2 subgraph SDL to
 * schema/subgraph.graphql (both committed; a test compares them). `--subgraph` prints the
 * subgraph SDL instead, for an agency's router or `rover subgraph check`.
 */
export async function schemaCommand(args: string[] = []): Promise<void> {
  const unknown = args.filter((a) => a !== '--subgraph');
  if (unknown.length) throw new UsageError(`schema: unknown option "${unknown[0]}" (usage: schema [--subgraph])`);
  const schema = await createSchema();
  const subgraph = printHubSubgraph(buildHubSubgraph(schema));
  if (args.includes('--subgraph')) {
    process.stdout.write(subgraph);
    return;
  }
  writeFileSync(SCHEMA_FILE, printSortedSchema(schema));
  writeFileSync(SUBGRAPH_FILE, subgraph);
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)} and ${path.relative(process.cwd(), SUBGRAPH_FILE)}`);
}
