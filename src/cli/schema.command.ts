import { writeFileSync } from 'node:fs';
import path from 'node:path';
// Entities that are also GraphQL types (ComplianceAlert is reached only through node(id)) register
// themselves when loaded; the hub always loads them, so the schema printed here must too.
import '../db/entities';
import { createSchema, printSortedSchema } from '../graphql/schema';

export const SCHEMA_FILE = path.resolve(__dirname, '../../../schema/schema.graphql');

/** Writes the SDL the code builds to schema/schema.graphql (committed; a test compares them). */
export async function schemaCommand(): Promise<void> {
  writeFileSync(SCHEMA_FILE, printSortedSchema(await createSchema()));
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
}
