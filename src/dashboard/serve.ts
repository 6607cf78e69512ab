import express from 'express';
import { dashboardDistDir } from './paths';

export const DASHBOARD_PATH = '/dashboard';

/**
 * Everything the page loads comes from this hub: the policy below makes the browser refuse anything else
 * (style attributes are allowed because ECharts and the progress bars size elements with them).
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The dashboard's static files from `npm run build`; `/dashboard` redirects to `/dashboard/` so relative asset URLs resolve. */
export function dashboardRouter(dir: string = dashboardDistDir()): express.Router {
  const router = express.Router();
  router.use(DASHBOARD_PATH, (_req, res, next) => {
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  // File names carry no hash: the browser revalidates rather than keep an old bundle.
  router.use(DASHBOARD_PATH, express.static(dir, { index: 'index.html', maxAge: 0 }));
  return router;
}
