import fs from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest folder above `from` holding package.json (src/ under Jest, dist/src/ when built). */
export function repoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
