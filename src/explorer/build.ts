/**
 * Bundles the offline query explorer (GraphiQL 3 + React 18, src/explorer/app) into dist/explorer with esbuild.
 * Runs as dist/src/explorer/build.js after tsc. The demo's example operations (schema/operations/*.graphql)
 * are read here and compiled into the bundle as the explorer's default tabs: the page fetches nothing but
 * its own script and stylesheet.
 */
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { EXAMPLE_VARIABLES } from './examples';
import { repoRoot } from './paths';

export interface ExplorerTab {
  query: string;
  variables?: string;
  headers?: string;
}

/** Never a real key: the user enters one once, in the key bar above the editor, and every tab sends it. */
export const DEFAULT_HEADERS = '{}';

/** Comment lines written just above a definition (from the end of the previous one), kept with it. */
function leadingComments(text: string, from: number, to: number): string {
  return text
    .slice(from, to)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('#'))
    .map((line) => `${line}\n`)
    .join('');
}

/**
 * One tab per operations file, in file-name order, holding the file's queries and subscriptions (mutations
 * change data: they stay in the files and the docs pane, not in tabs that run as loaded). Variables come from
 * EXAMPLE_VARIABLES, one set per tab: an operation without examples, two operations of a tab wanting different
 * values of one variable, or a value the schema does not accept stops the build.
 */
export function exampleTabs(operationsDir: string, schema: GraphQLSchema): ExplorerTab[] {
  const files = fs.readdirSync(operationsDir).filter((f) => f.endsWith('.graphql')).sort();
  return files.map((file) => {
    const text = fs.readFileSync(path.join(operationsDir, file), 'utf8');
    const doc = parse(text);
    const kept: string[] = [];
    const variables: Record<string, unknown> = {};
    const operations: OperationDefinitionNode[] = [];
    let previousEnd = 0;
    for (const def of doc.definitions) {
      const loc = def.loc!;
      const source = leadingComments(text, previousEnd, loc.start) + text.slice(loc.start, loc.end);
      previousEnd = loc.end;
      if (def.kind === Kind.FRAGMENT_DEFINITION) kept.push(source);
      if (def.kind !== Kind.OPERATION_DEFINITION || def.operation === 'mutation') continue;
      const name = def.name?.value ?? '';
      if (!(name in EXAMPLE_VARIABLES)) throw new Error(`explorer: ${file}: no example variables for ${name} (src/explorer/examples.ts)`);
      const examples = EXAMPLE_VARIABLES[name];
      if (!examples) continue;
      for (const [variable, value] of Object.entries(examples)) {
        if (variable in variables && JSON.stringify(variables[variable]) !== JSON.stringify(value)) {
          throw new Error(`explorer: ${file}: ${name} wants another $${variable} than the tab's other operations`);
        }
        variables[variable] = value;
      }
      const coerced = getVariableValues(schema, def.variableDefinitions ?? [], examples);
      if (coerced.errors) throw new Error(`explorer: ${file}: ${name}: ${coerced.errors.map((e) => e.message).join('; ')}`);
      operations.push(def);
      kept.push(source);
    }
    // The tab sends its one set to whichever operation runs: each must accept all of it.
    for (const def of operations) {
      const coerced = getVariableValues(schema, def.variableDefinitions ?? [], variables);
      if (coerced.errors) throw new Error(`explorer: ${file}: ${def.name?.value}, with the tab's variables: ${coerced.errors.map((e) => e.message).join('; ')}`);
    }
    return {
      query: `# ${file}: the demo's example queries and subscriptions. Enter a demo key above, pick one with the run button.\n\n${kept.join('\n\n')}\n`,
      variables: Object.keys(variables).length ? JSON.stringify(variables, null, 2) : undefined,
      headers: DEFAULT_HEADERS,
    };
  });
}

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ewc-hub · GraphQL explorer</title>
<link rel="stylesheet" href="/graphql/explorer/main.css">
<style>
html, body, #root { height: 100%; margin: 0; }
.ewc-explorer { display: flex; flex-direction: column; height: 100%; }
.ewc-graphiql { flex: 1; min-height: 0; }
.ewc-keybar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 6px 12px; font: 14px system-ui, sans-serif; border-bottom: 1px solid #ddd; }
.ewc-keybar input { flex: 1 1 16em; max-width: 32em; padding: 4px 6px; font: inherit; }
.ewc-keybar button { padding: 4px 10px; font: inherit; }
.ewc-keybar span { color: #555; }
</style>
</head>
<body>
<div id="root"></div>
<script src="/graphql/explorer/main.js"></script>
</body>
</html>
`;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.resolve(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

/** Replaces a file in one step (write beside it, rename over it), so a running hub never sees it missing or half-written. */
function writeAtomically(file: string, contents: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}

/**
 * Builds into memory, then replaces dist/explorer's files one by one and removes the ones this build did not
 * produce: the folder is never emptied, so a hub (or a test) serving it during a rebuild keeps answering.
 */
export async function buildExplorer(root = repoRoot()): Promise<string> {
  const outdir = path.join(root, 'dist', 'explorer');
  const schema = buildSchema(fs.readFileSync(path.join(root, 'schema', 'schema.graphql'), 'utf8'));
  const tabs = exampleTabs(path.join(root, 'schema', 'operations'), schema);
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: path.join(root, 'src', 'explorer', 'app', 'main.tsx') },
    outdir,
    write: false,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    sourcemap: false,
    jsx: 'automatic',
    legalComments: 'none',
    logLevel: 'warning',
    define: {
      'process.env.NODE_ENV': '"production"',
      EXPLORER_TABS: JSON.stringify(tabs),
      EXPLORER_DEFAULT_HEADERS: JSON.stringify(DEFAULT_HEADERS),
    },
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file' },
    assetNames: 'assets/[name]-[hash]',
  });
  const written = new Set<string>();
  for (const out of result.outputFiles) {
    writeAtomically(out.path, out.contents);
    written.add(path.resolve(out.path));
  }
  const index = path.join(outdir, 'index.html');
  writeAtomically(index, INDEX_HTML);
  written.add(path.resolve(index));
  for (const file of filesUnder(outdir)) {
    if (!written.has(file) && !file.endsWith('.tmp')) fs.rmSync(file, { force: true });
  }
  return outdir;
}

if (require.main === module) {
  buildExplorer().then(
    (outdir) => console.log(`explorer: ${path.relative(process.cwd(), outdir) || outdir}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
