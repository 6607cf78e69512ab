import path from 'node:path';
import { repoRoot } from '../repo-root';

export { repoRoot };

/** Where `npm run build` writes the dashboard's static files. */
export const dashboardDistDir = (): string => path.join(repoRoot(), 'dist', 'dashboard');
