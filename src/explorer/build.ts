/**
 * Bundles the offline query explorer (GraphiQL 3 + React 18, src/explorer/app) into dist/explorer with esbuild.
 * Runs as dist/src/explorer/build.js after tsc. The demo's example operations (schema/operations/*.graphql)
 * are read here and compiled into the bundle as the explorer's default tabs: the page fetches nothing but
 * its own script and stylesheet.
 */
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, valueFromASTUntyped, type TypeNode } from 'graphql';
import { repoRoot } from './paths';

export interface ExplorerTab {
  query: string;
  variables?: string;
  headers?: string;
}

/** Never a real key: the user pastes one. */
export const DEFAULT_HEADERS = JSON.stringify({ Authorization: 'Bearer <paste a key>' }, null, 2);

/** A placeholder for a variable, by its type, so the variables pane shows what to fill in. */
function placeholder(type: TypeNode): unknown {
  if (type.kind === Kind.NON_NULL_TYPE) return placeholder(type.type);
  if (type.kind === Kind.LIST_TYPE) return [];
  switch (type.name.value) {
    case 'Int':
    case 'Float':
      return 0;
    case 'Boolean':
      return false;
    case 'String':
    case 'ID':
      return '';
    default:
      return `<${type.name.value}>`;
  }
}

/** One tab per operations file, in file-name order; variables list every variable the file's operations take. */
export function exampleTabs(operationsDir: string): ExplorerTab[] {
  const files = fs.readdirSync(operationsDir).filter((f) => f.endsWith('.graphql')).sort();
  return files.map((file) => {
    const text = fs.readFileSync(path.join(operationsDir, file), 'utf8');
    const doc = parse(text);
    const variables: Record<string, unknown> = {};
    for (const def of doc.definitions) {
      if (def.kind !== Kind.OPERATION_DEFINITION) continue;
      for (const v of def.variableDefinitions ?? []) {
        if (!(v.variable.name.value in variables)) {
          variables[v.variable.name.value] = v.defaultValue ? valueFromASTUntyped(v.defaultValue) : placeholder(v.type);
        }
      }
    }
    return {
      query: `# ${file} — the demo's example operations. Pick one with the run button.\n\n${text.trim()}\n`,
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
<style>html, body, #root { height: 100%; margin: 0; }</style>
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
  const tabs = exampleTabs(path.join(root, 'schema', 'operations'));
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
