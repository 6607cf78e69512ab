/**
 * An agency's own GraphQL service as an Apollo Federation 2 subgraph: the housing bureau's
 * building register, keyed by the institution's unified social credit code. The ewc-hub gateway
 * composes it with the hub (EWC_SUBGRAPHS=housing=http://127.0.0.1:4010/graphql) so one query
 * joins the hub's energy figures with the bureau's buildings.
 *
 * It imports nothing from the hub: an agency writes its own service, and verifies the identity
 * the gateway forwards (X-EWC-Identity, README "Federation") with the secret it shares with the hub.
 *
 *   EWC_SUBGRAPH_SECRET=... PORT=4010 node dist/examples/housing-subgraph/server.js
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLError, parse } from 'graphql';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Building {
  creditCode: string;
  name: string;
  energyLabel: string;
  yearBuilt: number;
  heatingSystem: string;
  floorAreaM2: number;
}

/** What the gateway's signed header says about the caller (the fields this service uses). */
interface Identity {
  sub: string;
  role: string;
  agency: string | null;
  aud: string;
  iat: number;
  exp: number;
}

interface HousingContext {
  identity: Identity;
}

const HERE = path.resolve(__dirname, '../../../examples/housing-subgraph');
const typeDefs = parse(readFileSync(path.join(HERE, 'schema.graphql'), 'utf8'));

const BUILDINGS = new Map<string, Building>(
  (JSON.parse(readFileSync(path.join(HERE, 'buildings.json'), 'utf8')) as Building[]).map((b) => [b.creditCode, b]),
);

/**
 * The bureau's own rule: agencies and institutions see the register, PUBLIC and ESCO keys do not.
 * (Which institutions a key reaches is already the hub's row scope: the gateway only asks for
 * institutions the hub answered to that key.)
 */
function building(creditCode: string | null | undefined, ctx: HousingContext): Building | null {
  if (ctx.identity.sub === 'PUBLIC' || ctx.identity.sub === 'ESCO') {
    throw new GraphQLError('the housing register is not open to this key', { extensions: { code: 'FORBIDDEN' } });
  }
  return (creditCode && BUILDINGS.get(creditCode)) || null;
}

const resolvers: GraphQLResolverMap<HousingContext> = {
  Institution: {
    __resolveReference: (ref: { creditCode?: string | null }) => ({ creditCode: ref.creditCode ?? null }),
    building: (inst: { creditCode: string | null }, _args, ctx) => building(inst.creditCode, ctx),
  },
  Query: {
    buildingByCreditCode: (_root, args: { creditCode: string }, ctx) => building(args.creditCode, ctx),
  },
};

/** X-EWC-Identity: v1.<base64url JSON>.<base64url HMAC-SHA256(secret, "v1." + payload)>. */
function verifyIdentity(header: string | string[] | undefined, secret: string, audience: string): Identity {
  const refuse = (why: string) => new GraphQLError(`identity refused: ${why}`, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  if (typeof header !== 'string') throw refuse('no X-EWC-Identity header');
  const [version, payload, signature] = header.split('.');
  if (version !== 'v1' || !payload || !signature) throw refuse('malformed header');
  const expected = createHmac('sha256', secret).update(`v1.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse('bad signature');
  const identity = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Identity;
  const now = Math.floor(Date.now() / 1000);
  if (identity.aud !== audience) throw refuse(`made for "${identity.aud}"`);
  if (identity.exp + 60 < now || identity.iat > now + 60) throw refuse('expired');
  return identity;
}

export async function startHousingSubgraph(opts: { port: number; secret: string; name?: string; host?: string }): Promise<{ url: string; stop(): Promise<void> }> {
  const server = new ApolloServer<HousingContext>({ schema: buildSubgraphSchema({ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> }) });
  const { url } = await startStandaloneServer(server, {
    listen: { port: opts.port, host: opts.host ?? '127.0.0.1' },
    context: async ({ req }) => ({ identity: verifyIdentity(req.headers['x-ewc-identity'], opts.secret, opts.name ?? 'housing') }),
  });
  return { url: new URL('graphql', url).toString(), stop: () => server.stop() };
}

if (require.main === module) {
  const secret = process.env.EWC_SUBGRAPH_SECRET;
  if (!secret || secret.length < 32) {
    process.stderr.write('housing-subgraph: set EWC_SUBGRAPH_SECRET to the secret shared with the hub (at least 32 characters)\n');
    process.exit(2);
  }
  startHousingSubgraph({ port: Number(process.env.PORT ?? 4010), secret, name: process.env.SUBGRAPH_NAME || 'housing' }).then(
    ({ url, stop }) => {
      console.log(`housing subgraph at ${url}`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().then(() => process.exit(0)));
    },
    (err: unknown) => {
      process.stderr.write(`housing-subgraph: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
