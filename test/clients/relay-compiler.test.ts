import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, print } from 'graphql';

// relay-compiler is what Relay applications run on their own operations: it refuses a schema whose
// connections lack anything the Relay connection spec requires (PageInfo's four fields, last/before).
const root = join(__dirname, '..', '..');
const operationsDir = join(root, 'schema', 'operations');

/** Fragments a Relay application writes against the hub: a paginated list, backward too, and refetchable nodes. */
const RELAY_FRAGMENTS = [
  `fragment InstitutionList_query on Query
   @argumentDefinitions(first: { type: "Int", defaultValue: 10 }, after: { type: "String" }, filter: { type: "InstitutionFilter" })
   @refetchable(queryName: "InstitutionListPaginationQuery") {
     institutions(first: $first, after: $after, filter: $filter) @connection(key: "InstitutionList_institutions", filters: ["filter"]) {
       totalCount
       edges { node { id name nameZh } }
     }
   }`,
  `fragment MeterReadings_query on Query
   @argumentDefinitions(meterId: { type: "ID!" }, last: { type: "Int", defaultValue: 24 }, before: { type: "String" })
   @refetchable(queryName: "MeterReadingsPaginationQuery") {
     readings(meterId: $meterId, last: $last, before: $before) @connection(key: "MeterReadings_readings") {
       edges { node { id periodStart periodEnd value } }
     }
   }`,
  `fragment ContractCard_contract on EpcContract @refetchable(queryName: "ContractCardRefetchQuery") {
     id title status
   }`,
];

function compile(schemaPath: string, documents: string[]): { status: number | null; output: string; artifacts: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'ewc-relay-'));
  try {
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, '__generated__'));
    // The compiler reads graphql`` tags from sources: one tag per definition.
    const tags = documents.map((d, i) => `export const d${i} = graphql\`\n${d.replace(/[`\\]/g, '\\$&')}\n\`;`);
    writeFileSync(join(dir, 'src', 'documents.ts'), `declare const graphql: (s: TemplateStringsArray) => unknown;\n${tags.join('\n')}\n`);
    writeFileSync(join(dir, 'relay.config.json'), JSON.stringify({ src: './src', schema: schemaPath, language: 'typescript', artifactDirectory: './__generated__' }));
    const bin = join(root, 'node_modules', '.bin', 'relay-compiler');
    const r = spawnSync(bin, [], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}`, artifacts: readdirSync(join(dir, '__generated__')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function operationDocuments(): string[] {
  return readdirSync(operationsDir)
    .filter((f) => f.endsWith('.graphql'))
    .flatMap((f) => parse(readFileSync(join(operationsDir, f), 'utf8')).definitions.map((d) => print(d)));
}

describe('relay-compiler', () => {
  it('compiles every operation of schema/operations with @connection and @refetchable fragments against schema/schema.graphql', () => {
    const documents = [...operationDocuments(), ...RELAY_FRAGMENTS];
    const r = compile(join(root, 'schema', 'schema.graphql'), documents);
    if (r.status !== 0) throw new Error(`relay-compiler failed:\n${r.output}`);
    // One artifact per operation and fragment, and the pagination queries Relay derives.
    expect(r.artifacts).toEqual(expect.arrayContaining([
      'Institutions.graphql.ts',
      'InstitutionList_query.graphql.ts',
      'InstitutionListPaginationQuery.graphql.ts',
      'MeterReadingsPaginationQuery.graphql.ts',
      'ContractCardRefetchQuery.graphql.ts',
    ]));
    expect(r.artifacts.length).toBeGreaterThanOrEqual(documents.length);
  }, 150_000);

  it('refuses a connection whose PageInfo lacks what the spec requires (the check can fail)', () => {
    const schema = readFileSync(join(root, 'schema', 'schema.graphql'), 'utf8');
    const crippled = schema.replace(/type PageInfo \{[^}]*\}/, 'type PageInfo {\n  hasNextPage: Boolean!\n  endCursor: String\n}');
    expect(crippled).not.toBe(schema);
    const dir = mkdtempSync(join(tmpdir(), 'ewc-relay-schema-'));
    try {
      writeFileSync(join(dir, 'schema.graphql'), crippled);
      const r = compile(join(dir, 'schema.graphql'), [RELAY_FRAGMENTS[0]]);
      expect(r.status).not.toBe(0);
      expect(r.output).toMatch(/hasPreviousPage|startCursor/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
