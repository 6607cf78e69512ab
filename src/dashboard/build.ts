/**
 * Bundles the dashboard (src/dashboard/app: TypeScript, ECharts, graphql-ws) into dist/dashboard with esbuild.
 * Runs as dist/src/dashboard/build.js after tsc; everything the page loads comes from the hub itself.
 */
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';

/** Relative asset URLs: the page is served at /dashboard/ and works behind a path prefix. */
const INDEX_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>公共机构能耗水耗碳排放监测</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="main.css">
</head>
<body>
<div id="app"></div>
<script src="main.js" defer></script>
</body>
</html>
`;

export async function buildDashboard(root = repoRoot()): Promise<string> {
  const outdir = path.join(root, 'dist', 'dashboard');
  fs.rmSync(outdir, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: path.join(root, 'src', 'dashboard', 'app', 'main.ts') },
    outdir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  fs.writeFileSync(path.join(outdir, 'index.html'), INDEX_HTML);
  return outdir;
}

if (require.main === module) {
  buildDashboard().then(
    (outdir) => console.log(`dashboard: ${path.relative(process.cwd(), outdir) || outdir}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
