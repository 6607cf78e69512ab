import path from 'node:path';
import { repoRoot } from '../repo-root';

export { repoRoot };

/** Where `npm run build` writes the explorer bundle. */
export const explorerDistDir = (): string => path.join(repoRoot(), 'dist', 'explorer');
