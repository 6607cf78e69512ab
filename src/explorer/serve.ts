import express from 'express';
import fs from 'node:fs';
import path from 'node:path';
import { explorerDistDir } from './paths';

/** Where the explorer's script and stylesheet are served (index.html links them here). */
export const EXPLORER_ASSETS_PATH = '/graphql/explorer';

/**
 * The offline query explorer. A browser navigation to `GET /graphql` (Accept prefers text/html, no `query`
 * parameter) gets GraphiQL's page; everything else on /graphql (POST, GET with ?query=, the WebSocket upgrade)
 * falls through to Apollo unchanged. Mount before the Apollo middleware. Without a build (dist/explorer
 * missing) the router lets every request through.
 */
export function explorerRouter(dir: string = explorerDistDir()): express.Router {
  const router = express.Router();
  const index = path.join(dir, 'index.html');
  router.use(EXPLORER_ASSETS_PATH, express.static(dir, { index: false, fallthrough: false, maxAge: '1h' }));
  router.get('/graphql', (req, res, next) => {
    if (req.query.query !== undefined) return next();
    if (req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) !== 'text/html') return next();
    if (!fs.existsSync(index)) return next();
    res.vary('Accept');
    res.set('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
