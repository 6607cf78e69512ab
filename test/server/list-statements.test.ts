/**
 * Every list in the schema costs a fixed number of SQL statements: each connection on Query is
 * asked for N and 10N nodes, every field of its nodes selected (computed fields too, with their
 * arguments filled in) and one level below them. A field that runs a statement per parent makes
 * the two counts differ, and the test names the list. Lists the schema grows are walked too.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { startTestHub, type GqlResult, type TestHub } from '../helpers/hub';

const schema = buildSchema(readFileSync(path.join(__dirname, '../../schema/schema.graphql'), 'utf8'));

/** A value for an argument, or undefined when the walk cannot make one up (an ID of a row). */
function valueFor(name: string, type: GraphQLInputType): string | undefined {
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0].name;
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
    const parts = fields.map((f) => [f.name, valueFor(f.name, f.type)] as const);
    return parts.some(([, v]) => v === undefined) ? undefined : `{ ${parts.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
  }
  switch (named.name) {
    case 'Int':
      return name === 'year' ? '2023' : '3';
    case 'Float':
      return /cool/i.test(name) ? '24' : '18';
    case 'LocalDate':
      return name === 'from' ? '"2023-01-01"' : '"2023-12-31"';
    case 'Boolean':
      return 'false';
    default:
      return undefined;
  }
}

/** Required arguments filled in; null when one cannot be. */
function argsFor(args: readonly GraphQLArgument[], extra: Record<string, string> = {}): string | null {
  const parts = Object.entries(extra).map(([k, v]) => `${k}: ${v}`);
  for (const a of args) {
    if (a.name in extra || !isNonNullType(a.type) || a.defaultValue !== undefined) continue;
    const v = valueFor(a.name, a.type);
    if (v === undefined) return null;
    parts.push(`${a.name}: ${v}`);
  }
  return parts.length ? `(${parts.join(', ')})` : '';
}

/** The leaves of a type, then (above the last level) its object fields, each with their leaves. */
function selection(type: GraphQLObjectType, depth: number): string {
  const parts: string[] = [];
  for (const f of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
    const named = getNamedType(f.type);
    const args = argsFor(f.args, f.args.some((a) => a.name === 'first') ? { first: '3' } : {});
    if (args === null) continue;
    if (isLeafType(named)) parts.push(`${f.name}${args}`);
    else if (depth > 0 && isObjectType(named)) {
      const inner = named.getFields().nodes ? `nodes { ${selection(getNamedType(named.getFields().nodes.type) as GraphQLObjectType, 0)} }` : selection(named, 0);
      if (inner) parts.push(`${f.name}${args} { ${inner} }`);
    }
  }
  return parts.join(' ');
}

let t: TestHub;
beforeAll(async () => {
  // Statements of the computing path: the response cache would answer a repeated question with one.
  t = await startTestHub({ EWC_RESPONSE_CACHE: 'off', EWC_BUDGETS: 'off' });
});
afterAll(() => t.close());

/** An answer of the walk: each root field a connection. */
type Lists = GqlResult<Record<string, { nodes: Array<{ id?: string }> }>>;

const connections = Object.values(schema.getQueryType()!.getFields()).filter((f) => getNamedType(f.type).name.endsWith('Connection'));

it('walks every connection on Query', () => {
  expect(connections.length).toBeGreaterThanOrEqual(20);
});

describe.each(connections.map((f) => [f.name, f] as const))('%s', (name, field) => {
  it('costs no statement per node (1 node against 20)', async () => {
    const extra: Record<string, string> = {};
    if (field.args.some((a) => a.name === 'meterId')) {
      // Readings hang off a meter: the walk takes the first one GOA sees.
      const meters = (await t.raw({ query: '{ meters(first: 1) { nodes { id } } }' }, t.keys.goa)) as Lists;
      extra.meterId = JSON.stringify(meters.data!.meters.nodes[0].id);
    }
    const node = getNamedType((getNamedType(field.type) as GraphQLObjectType).getFields().nodes.type) as GraphQLObjectType;
    const query = (n: number) => `{ ${name}${argsFor(field.args, { ...extra, first: String(n) })} { nodes { ${selection(node, 1)} } } }`;
    const ask = async (n: number) => {
      let answer: Lists = { status: 0 };
      const statements = await t.countStatements(async () => {
        answer = (await t.raw({ query: query(n) }, t.keys.goa)) as Lists;
      });
      expect(answer.errors).toBeUndefined();
      return { statements, nodes: answer.data![name].nodes.length };
    };
    await ask(1); // connection set-up and first-use statements fall here
    const few = await ask(1);
    const many = await ask(20);
    // A statement per node adds at least one statement for each node added. What else may differ is a
    // loader that has nothing to load in the smaller page (no key of the first has an institution).
    // With fewer than 4 rows in the database, one more statement could be either: nothing to compare.
    if (many.nodes - few.nodes >= 3) expect(many.statements - few.statements).toBeLessThan(many.nodes - few.nodes);
  });
});
