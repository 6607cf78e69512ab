import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import DataLoader from 'dataloader';
import { Kind, parse, type GraphQLFieldResolver, type ConstDirectiveNode, type DocumentNode, type GraphQLSchema } from 'graphql';
import { createResolversMap } from 'type-graphql';
import { assertField } from '../access/guard';
import type { Context } from '../graphql/context';
import { fetchNode } from '../graphql/node.resolver';
import { printSortedSchema } from '../graphql/schema';
import { ValidationError } from '../errors/domain-errors';
import { fromGlobalId } from '../graphql/relay';
import { RegistryService } from '../modules/registry/registry.service';
import type { InstitutionRow } from '../modules/registry/registry.types';

/** The Federation 2 version the subgraph links; the gateway and Apollo Router both read it. */
export const FEDERATION_SPEC = 'https://specs.apollo.dev/federation/v2.7';

/**
 * The hub's entities and their keys. `id` is the Relay global id (opaque, as everywhere in the
 * hub); `creditCode` is the unified social credit code every agency's own system already keys
 * institutions by, so an agency's subgraph can extend Institution without knowing hub ids.
 */
export const ENTITY_KEYS: Readonly<Record<string, readonly string[]>> = {
  Institution: ['id', 'creditCode'],
  Meter: ['id'],
  EpcContract: ['id'],
  PvProject: ['id'],
  Region: ['id'],
  Agency: ['id'],
};

type Representation = { __typename: string; id?: unknown; creditCode?: unknown };

function keyDirective(fields: string): ConstDirectiveNode {
  return {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: 'key' },
    arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'fields' }, value: { kind: Kind.STRING, value: fields } }],
  };
}

/** The hub's SDL with `@key` on its entities and the federation link: the subgraph's type definitions. */
function subgraphTypeDefs(schema: GraphQLSchema): DocumentNode {
  const doc = parse(printSortedSchema(schema));
  const definitions = doc.definitions.map((def) => {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION || !ENTITY_KEYS[def.name.value]) return def;
    return { ...def, directives: [...(def.directives ?? []), ...ENTITY_KEYS[def.name.value].map(keyDirective)] };
  });
  const link = parse(`extend schema @link(url: "${FEDERATION_SPEC}", import: ["@key"])`).definitions;
  return { ...doc, definitions: [...link, ...definitions] };
}

/** One lookup by credit code per request, however many representations name one. */
const byCreditCode = new WeakMap<object, DataLoader<string, InstitutionRow>>();

function institutionByCreditCode(code: unknown, ctx: Context): Promise<InstitutionRow> {
  if (typeof code !== 'string' || code.length > 18) throw ValidationError.single('representations.creditCode', 'expected a credit code of at most 18 characters');
  let loader = byCreditCode.get(ctx);
  if (!loader) {
    loader = new DataLoader((codes) => new RegistryService(ctx.em, ctx.principal, ctx.db.pool).institutionsByCreditCode(codes));
    byCreditCode.set(ctx, loader);
  }
  return loader.load(code);
}

/**
 * How `_entities` turns a representation into an object: by global id exactly as `node(id)` does
 * (the type's rule in NODE_RULES, then its row scope), or an institution by credit code. A
 * representation the key may not read is null with FORBIDDEN, never data.
 */
function resolveReference(typename: string) {
  return async (rep: Representation, ctx: Context): Promise<object> => {
    if (typename === 'Institution' && rep.id === undefined && rep.creditCode !== undefined) return institutionByCreditCode(rep.creditCode, ctx);
    if (typeof rep.id !== 'string' || rep.id.length > 200) throw ValidationError.single('representations.id', 'expected the global id of the entity');
    if (fromGlobalId(rep.id, typename, 'representations.id').type !== typename) throw ValidationError.single('representations.id', `not an id of a ${typename}`);
    return fetchNode(rep.id, ctx, 'representations.id');
  };
}

/** The SDL `_service { sdl }` answers, per subgraph schema built here. */
const served = new WeakMap<GraphQLSchema, string>();

/**
 * The hub's schema as an Apollo Federation 2 subgraph: the same types and resolvers (already
 * guarded by the policy table, mutations already in their audit scope), plus `_service` and
 * `_entities`, which are guarded here the same way.
 */
export function buildHubSubgraph(schema: GraphQLSchema): GraphQLSchema {
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<unknown>;
  for (const typename of Object.keys(ENTITY_KEYS)) {
    // @apollo/subgraph calls __resolveReference(representation, context); the map's type knows only field resolvers.
    const reference = resolveReference(typename) as unknown as GraphQLFieldResolver<unknown, unknown>;
    resolvers[typename] = { ...(resolvers[typename] as object), __resolveReference: reference };
  }
  const subgraph = buildSubgraphSchema({ typeDefs: subgraphTypeDefs(schema), resolvers });
  const query = subgraph.getQueryType()!;
  served.set(subgraph, (query.getFields()._service.resolve as () => { sdl: string })().sdl);
  for (const name of ['_entities', '_service']) {
    const field = query.getFields()[name];
    const resolve = field.resolve!;
    field.resolve = async (source, args, ctx: Context, info) => {
      assertField(ctx.principal, `Query.${name}`);
      return resolve(source, args, ctx, info);
    };
  }
  return subgraph;
}

/** The subgraph SDL `_service { sdl }` answers (with the federation definitions), as committed in schema/subgraph.graphql. */
export function printHubSubgraph(subgraph: GraphQLSchema): string {
  const sdl = served.get(subgraph);
  if (sdl === undefined) throw new Error('not a schema built by buildHubSubgraph');
  return sdl.trimEnd() + '\n';
}
