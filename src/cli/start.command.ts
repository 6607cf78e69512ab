import type { Config } from '../config';
import { openDatabase } from '../app/database';
import { activeDemoKeys } from '../demo/demo-keys';
import { seedDemo } from '../demo/demo.seeder';
import { logger } from '../logger';
import { ensurePartitionsAhead } from '../modules/metering/partitions';

const PARTITIONS_EVERY_MS = 6 * 3600 * 1000;
import { startServer } from '../server/app';

/** `npm start`: database (embedded unless DATABASE_URL), migrations, demo data, then HTTP and WebSocket. */
export async function startCommand(config: Config): Promise<void> {
  const t0 = Date.now();
  const db = await openDatabase(config);
  const tDb = Date.now();
  let seeded = false;
  if (config.demo) seeded = (await seedDemo(db, config.dataDir)).seeded;
  const hub = await startServer(config, db).catch(async (err: unknown) => {
    await db.close();
    throw err;
  });
  const base = hub.url.replace(/\/graphql$/, '');
  const lines = [
    '',
    `ewc-hub is up (${((Date.now() - t0) / 1000).toFixed(1)} s: database ${((tDb - t0) / 1000).toFixed(1)} s${seeded ? ', demo data loaded' : ''})`,
    `  GraphQL    ${hub.url}`,
    `  WebSocket  ${hub.wsUrl}  (graphql-transport-ws)`,
    `  Dashboard  ${base}/dashboard`,
    `  Explorer   ${hub.url}  (open it in a browser; works offline)`,
    `  Health     ${base}/healthz  ${base}/readyz  ${base}/metrics`,
    `  Database   ${db.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'}`,
  ];
  if (config.demo) {
    const keys = await activeDemoKeys(db.pool, config.dataDir);
    if (keys.length) {
      lines.push('', 'Demo API keys (send as "Authorization: Bearer <key>"):');
      for (const k of keys) lines.push(`  ${k.label.padEnd(42)} ${k.key}`);
    }
  }
  console.log(lines.join('\n') + '\n');

  // Partitions for the coming months, made while the hub runs for months on end.
  const ahead = setInterval(() => {
    ensurePartitionsAhead(db.pool).catch((err: unknown) => logger.warn('could not make reading partitions ahead', { error: err }));
  }, PARTITIONS_EVERY_MS);
  ahead.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => {
      logger.error('shutdown took over 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    clearInterval(ahead);
    await hub.stop();
    logger.debug('http and websocket drained');
    await db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
