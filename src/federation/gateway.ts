import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { execute, GraphQLError, Kind, parse, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { ConfigError } from '../config';
import { logger } from '../logger';
import type { Context } from '../graphql/context';
import { HUB_SUBGRAPH, type FederationConfig, type SubgraphConfig } from './federation.config';
import { IDENTITY_HEADER, signIdentity, identityOf, type ForwardedIdentity } from './identity';
import { BoundedMap } from '../bounded-map';
import { printHubSubgraph } from './subgraph';

/** How long the gateway waits for a subgraph's answer before it counts the subgraph as down. */
const SUBGRAPH_TIMEOUT_MS = 10_000;

/** The identity the gateway itself uses to ask a subgraph for its SDL at start (there is no caller yet). */
function gatewayIdentity(audience: string): ForwardedIdentity {
  const iat = Math.floor(Date.now() / 1000);
  return { sub: 'GATEWAY', role: 'viewer', agency: null, institution: null, esco: null, key: 'gateway', rid: 'composition', aud: audience, iat, exp: iat + 60 };
}

/** The response keys selected at the top of a selection set (under `... on T` too), but `__typename`. */
function topFields(set: SelectionSetNode | undefined): string[] {
  const out: string[] = [];
  for (const sel of set?.selections ?? []) {
    if (sel.kind === Kind.FIELD && sel.name.value !== '__typename') out.push(sel.alias?.value ?? sel.name.value);
    if (sel.kind === Kind.INLINE_FRAGMENT) out.push(...topFields(sel.selectionSet));
  }
  return [...new Set(out)];
}

/**
 * What a subgraph that is down "answers": its fields null, each with SERVICE_UNAVAILABLE naming
 * the subgraph. For an entity fetch, one error per entity and field it was asked for, so the
 * gateway puts them at the client's paths (`["institution", "building"]`); the rest of the answer,
 * from the hub and the other subgraphs, comes back as usual.
 */
function unavailableAnswer(name: string, document: DocumentNode, variables: Record<string, unknown> | undefined, why: string): GatewayGraphQLResponse {
  const message = `the ${name} subgraph is unavailable (${why})`;
  const extensions = { code: 'SERVICE_UNAVAILABLE', subgraph: name };
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const roots = op?.kind === Kind.OPERATION_DEFINITION ? op.selectionSet.selections : [];
  const entities = roots.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  if (entities?.kind === Kind.FIELD) {
    const reps = Array.isArray(variables?.representations) ? variables.representations : [];
    const fields = topFields(entities.selectionSet);
    const errors: GraphQLFormattedError[] = reps.flatMap((_r, i) => fields.map((f) => ({ message, path: ['_entities', i, f], extensions })));
    return { data: { _entities: reps.map(() => null) }, errors };
  }
  const fields = op?.kind === Kind.OPERATION_DEFINITION ? topFields(op.selectionSet) : [];
  return { data: null, errors: fields.map((f) => ({ message, path: [f], extensions })) };
}

/**
 * An agency's subgraph over HTTP: the caller's identity goes along signed (X-EWC-Identity, made
 * for this subgraph alone), the caller's API key never does; a subgraph that cannot be reached,
 * times out or answers with an HTTP error is "unavailable" for this request only.
 */
class AgencySubgraph extends RemoteGraphQLDataSource<Context> {
  constructor(
    private readonly subgraph: SubgraphConfig,
    private readonly secret: string,
  ) {
    super({ url: subgraph.url });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<Context>): void {
    const identity = context?.principal ? identityOf(context.principal, context.requestId, this.subgraph.name) : gatewayIdentity(this.subgraph.name);
    request.http?.headers.set(IDENTITY_HEADER, signIdentity(identity, this.secret));
    request.http?.headers.delete('authorization');
  }

  override async process(options: GraphQLDataSourceProcessOptions<Context>): Promise<GatewayGraphQLResponse> {
    const timeout = AbortSignal.timeout(SUBGRAPH_TIMEOUT_MS);
    try {
      return await super.process({ ...options, request: { ...options.request, http: { ...options.request.http!, signal: timeout } as typeof options.request.http } });
    } catch (err) {
      const why = timeout.aborted ? `no answer in ${SUBGRAPH_TIMEOUT_MS / 1000} s` : describe(err);
      logger.warn('subgraph unavailable', { subgraph: this.subgraph.name, reason: why });
      const document = 'document' in options && options.document ? options.document : parse(options.request.query ?? '{ __typename }');
      return unavailableAnswer(this.subgraph.name, document, options.request.variables, why);
    }
  }
}

/** Sub-query texts kept parsed and validated by the hub's own data source (one per operation shape and step). */
const MAX_DOCUMENTS = 1_000;

/**
 * The hub's own subgraph, in-process. Apollo's LocalGraphQLDataSource parses and validates the
 * gateway's sub-query on every request; the query plan sends the same text for the same
 * operation every time, so here each is parsed and validated once and only executed after.
 */
class HubSubgraphSource implements GraphQLDataSource<Context> {
  private readonly documents = new BoundedMap<string, DocumentNode | readonly GraphQLError[]>(MAX_DOCUMENTS);

  constructor(private readonly schema: GraphQLSchema) {}

  async process({ request, context }: GraphQLDataSourceProcessOptions<Context>): Promise<GatewayGraphQLResponse> {
    const text = request.query ?? '';
    const document = this.documents.getOrCompute(text, () => {
      try {
        const parsed = parse(text);
        const errors = validate(this.schema, parsed);
        return errors.length ? errors : parsed;
      } catch (err) {
        if (!(err instanceof GraphQLError)) throw err;
        return [err];
      }
    });
    if (Array.isArray(document)) return { errors: document } as unknown as GatewayGraphQLResponse;
    const result = await execute({ schema: this.schema, document: document as DocumentNode, variableValues: request.variables, operationName: request.operationName, contextValue: context });
    // The gateway reads GraphQLErrors as LocalGraphQLDataSource hands them (extensions and original error kept for the formatter).
    return result as unknown as GatewayGraphQLResponse;
  }
}

function describe(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { code?: string }; extensions?: { response?: { status?: number } } };
  const status = e.extensions?.response?.status;
  if (status) return `HTTP ${status}`;
  return e.cause?.code ?? e.code ?? e.message ?? 'unreachable';
}

/** A subgraph that did not answer at all (no connection, a timeout, a 502-504 from its proxy): down, not misconfigured. */
class SubgraphDown extends Error {}

/** A subgraph's SDL (`_service { sdl }`); SubgraphDown when it does not answer, a ConfigError when it answers wrongly. */
async function fetchSdl(sub: SubgraphConfig, secret: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(sub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: signIdentity(gatewayIdentity(sub.name), secret) },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
      signal: AbortSignal.timeout(SUBGRAPH_TIMEOUT_MS),
    });
  } catch (err) {
    throw new SubgraphDown(describe(err));
  }
  if (res.status >= 502 && res.status <= 504) throw new SubgraphDown(`HTTP ${res.status}`);
  const body = (await res.json().catch(() => null)) as { data?: { _service?: { sdl?: string } }; errors?: { message: string }[] } | null;
  const sdl = body?.data?._service?.sdl;
  if (!res.ok || typeof sdl !== 'string') {
    const why = body?.errors?.[0]?.message ?? `HTTP ${res.status}`;
    throw new ConfigError('EWC_SUBGRAPHS', `subgraph "${sub.name}" at ${sub.url} did not give its SDL from _service { sdl } (${why}); is it a Federation 2 subgraph, with the same EWC_SUBGRAPH_SECRET?`);
  }
  return sdl;
}

interface SubgraphSdl {
  name: string;
  url: string;
  sdl: string;
}

const sdlFile = (fed: FederationConfig, name: string) => path.join(fed.sdlDir, `${name}.graphql`);

/** The order of EWC_SUBGRAPHS, whatever order the subgraphs answered in (composition is then the same every start). */
function inConfigOrder(fed: FederationConfig, list: SubgraphSdl[]): SubgraphSdl[] {
  const rank = (s: SubgraphSdl) => fed.subgraphs.findIndex((c) => c.name === s.name);
  return [...list].sort((a, b) => rank(a) - rank(b));
}

/**
 * The SDL of each agency subgraph: asked of the subgraph, and kept on disk when it answers. One
 * that is down is composed with the SDL it gave last time (its fields then answer
 * SERVICE_UNAVAILABLE until it is back), or, never seen before, left out until it answers: one
 * agency's outage does not keep the city's graph from starting.
 */
async function gatherSdls(fed: FederationConfig, subgraphs: SubgraphConfig[]): Promise<{ found: SubgraphSdl[]; missing: SubgraphConfig[] }> {
  const found: SubgraphSdl[] = [];
  const missing: SubgraphConfig[] = [];
  await Promise.all(
    subgraphs.map(async (sub) => {
      try {
        const sdl = await fetchSdl(sub, fed.secret!);
        await mkdir(fed.sdlDir, { recursive: true });
        await writeFile(sdlFile(fed, sub.name), sdl);
        found.push({ ...sub, sdl });
      } catch (err) {
        if (!(err instanceof SubgraphDown)) throw err;
        const kept = await readFile(sdlFile(fed, sub.name), 'utf8').catch(() => null);
        if (kept !== null) {
          logger.warn('subgraph down: composed with the SDL it gave last time', { subgraph: sub.name, url: sub.url, reason: err.message });
          found.push({ ...sub, sdl: kept });
        } else {
          logger.warn('subgraph down and never seen: composed without it, asking again', { subgraph: sub.name, url: sub.url, reason: err.message, retryMs: fed.retryMs });
          missing.push(sub);
        }
      }
    }),
  );
  return { found: inConfigOrder(fed, found), missing };
}

/** One supergraph from the subgraphs' SDL; a conflict is one message naming the subgraphs and the conflict (composition's own words). */
function compose(subgraphs: SubgraphSdl[]): string {
  const services = subgraphs.map((s) => {
    try {
      return { name: s.name, url: s.url, typeDefs: parse(s.sdl) };
    } catch (err) {
      throw new ConfigError('EWC_SUBGRAPHS', `subgraph "${s.name}": its SDL does not parse (${(err as Error).message})`);
    }
  });
  const composed = composeServices(services);
  if (composed.errors) {
    const conflicts = composed.errors.map((e) => e.message.replace(/\s+/g, ' ').trim());
    throw new ConfigError('EWC_SUBGRAPHS', `the supergraph does not compose (subgraphs ${services.map((s) => `"${s.name}"`).join(', ')}): ${conflicts.join(' | ')}`);
  }
  return composed.supergraphSdl;
}

/** Composes the hub's subgraph with the agency subgraphs as they are now (at start); a conflict stops start-up. */
export async function composeSupergraph(fed: FederationConfig, hubSubgraph: GraphQLSchema): Promise<string> {
  const { found } = await gatherSdls(fed, fed.subgraphs);
  return compose([{ name: HUB_SUBGRAPH, url: 'local:hub', sdl: printHubSubgraph(hubSubgraph) }, ...found]);
}

/**
 * The gateway /graphql serves in gateway mode: the hub's own subgraph runs in-process (same
 * context: key, loaders, EntityManager; no HTTP hop), agency subgraphs over HTTP. A subgraph left
 * out at start is asked for its SDL every `retryMs`; when it answers, the supergraph is composed
 * again with it (a conflict then is logged and the running supergraph kept).
 */
export async function createGateway(fed: FederationConfig, hubSubgraph: GraphQLSchema): Promise<ApolloGateway> {
  const hub: SubgraphSdl = { name: HUB_SUBGRAPH, url: 'local:hub', sdl: printHubSubgraph(hubSubgraph) };
  const first = await gatherSdls(fed, fed.subgraphs);
  const supergraphSdl = compose([hub, ...first.found]);
  const byName = new Map(fed.subgraphs.map((s) => [s.name, s]));
  return new ApolloGateway({
    supergraphSdl: ({ update }) => {
      const found = [...first.found];
      let missing = first.missing;
      let timer: NodeJS.Timeout | undefined;
      const retry = async (): Promise<void> => {
        const again = await gatherSdls(fed, missing).catch((err: unknown) => {
          logger.error('subgraph answered without a usable SDL', { error: (err as Error).message });
          return { found: [], missing };
        });
        if (again.found.length) {
          try {
            const next = inConfigOrder(fed, [...found, ...again.found]);
            update(compose([hub, ...next]));
            found.splice(0, found.length, ...next);
            missing = again.missing;
            logger.info('subgraph joined the supergraph', { subgraphs: again.found.map((s) => s.name) });
          } catch (err) {
            logger.error('a subgraph that came back does not compose; the running supergraph is kept', { error: (err as Error).message });
          }
        }
        if (missing.length) schedule();
      };
      const schedule = () => {
        timer = setTimeout(() => void retry(), fed.retryMs);
        timer.unref();
      };
      if (missing.length) schedule();
      return Promise.resolve({ supergraphSdl, cleanup: () => Promise.resolve(clearTimeout(timer)) });
    },
    buildService: ({ name }) => (name === HUB_SUBGRAPH ? new HubSubgraphSource(hubSubgraph) : new AgencySubgraph(byName.get(name)!, fed.secret!)),
  });
}

/**
 * Names the agency subgraph an error came from (`extensions.subgraph`), after the hub's formatter
 * chose its code and message; errors of the hub's own part, and every error outside gateway mode,
 * are left as they are.
 */
export function tagSubgraph(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const service = error instanceof GraphQLError ? error.extensions.serviceName : undefined;
  if (typeof service !== 'string' || service === HUB_SUBGRAPH) return formatted;
  return { ...formatted, extensions: { ...formatted.extensions, subgraph: service } };
}
