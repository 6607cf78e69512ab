import { readFileSync } from 'node:fs';
import path from 'node:path';
// config.ts imports this file too: ConfigError is only read when a check fails, after both have loaded.
import { ConfigError } from '../config';

/** An agency's GraphQL service the gateway composes with the hub's own subgraph. */
export interface SubgraphConfig {
  name: string;
  url: string;
}

/** Gateway mode (README, "Federation"): off when no subgraph is named. */
export interface FederationConfig {
  subgraphs: SubgraphConfig[];
  /** EWC_SUBGRAPH_SECRET: signs the identity forwarded to subgraphs; null when no subgraph is set. */
  secret: string | null;
  /** Where the last SDL each subgraph gave is kept, to compose with when it is down at start. */
  sdlDir: string;
  /** How often a subgraph missing from the supergraph is asked for its SDL again (EWC_SUBGRAPH_RETRY_MS). */
  retryMs: number;
}

/** The name the hub's own subgraph has in the supergraph (and in composition messages). */
export const HUB_SUBGRAPH = 'hub';
const NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const MIN_SECRET = 32;

function parseEntries(variable: string, entries: string[]): SubgraphConfig[] {
  const out: SubgraphConfig[] = [];
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at).trim();
    const raw = entry.slice(at + 1).trim();
    if (at <= 0 || !raw) throw new ConfigError(variable, `expected name=url entries separated by commas, got "${entry}"`);
    if (!NAME.test(name)) throw new ConfigError(variable, `subgraph name "${name}" must be lower-case letters, digits, - or _ (up to 32)`);
    if (name === HUB_SUBGRAPH) throw new ConfigError(variable, `"${HUB_SUBGRAPH}" is the hub's own subgraph; name agency subgraphs otherwise`);
    if (out.some((s) => s.name === name)) throw new ConfigError(variable, `subgraph "${name}" is named twice`);
    let url: URL;
    try {
      url = new URL(raw);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      throw new ConfigError(variable, `subgraph "${name}": "${raw}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(variable, `subgraph "${name}": expected an http(s) URL, got ${url.protocol}//`);
    out.push({ name, url: url.toString() });
  }
  return out;
}

/**
 * EWC_SUBGRAPHS=housing=http://…/graphql,water=http://…/graphql, or EWC_SUBGRAPHS_FILE naming a
 * file with one name=url a line (# starts a comment). Either needs EWC_SUBGRAPH_SECRET.
 */
export function loadFederationConfig(env: NodeJS.ProcessEnv, dataDir: string): FederationConfig {
  const inline = env.EWC_SUBGRAPHS?.trim();
  const file = env.EWC_SUBGRAPHS_FILE?.trim();
  if (inline && file) throw new ConfigError('EWC_SUBGRAPHS_FILE', 'set EWC_SUBGRAPHS or EWC_SUBGRAPHS_FILE, not both');
  let subgraphs: SubgraphConfig[] = [];
  if (inline) subgraphs = parseEntries('EWC_SUBGRAPHS', inline.split(',').filter((e) => e.trim()));
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError('EWC_SUBGRAPHS_FILE', `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    subgraphs = parseEntries('EWC_SUBGRAPHS_FILE', text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean));
  }
  const sdlDir = path.resolve(env.EWC_SUBGRAPH_SDL_DIR || path.join(dataDir, 'subgraphs'));
  const retryRaw = env.EWC_SUBGRAPH_RETRY_MS?.trim() || '30000';
  const retryMs = Number(retryRaw);
  if (!/^\d+$/.test(retryRaw) || retryMs < 100 || retryMs > 86_400_000) throw new ConfigError('EWC_SUBGRAPH_RETRY_MS', `expected milliseconds from 100 to 86400000, got "${retryRaw}"`);
  if (!subgraphs.length) return { subgraphs, secret: null, sdlDir, retryMs };
  const secret = env.EWC_SUBGRAPH_SECRET ?? '';
  if (secret.length < MIN_SECRET) {
    throw new ConfigError('EWC_SUBGRAPH_SECRET', `gateway mode signs the identity it forwards to subgraphs: set a secret shared with them, at least ${MIN_SECRET} characters`);
  }
  return { subgraphs, secret, sdlDir, retryMs };
}
