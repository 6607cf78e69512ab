/**
 * Generates hostile GraphQL operations from a schema, deterministically from a seed: wrong types,
 * huge and negative numbers, forged ids and cursors, unicode and NUL, long strings, deep nesting,
 * many aliases. Used by test/server/fuzz.test.ts.
 */
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

/** mulberry32: a small PRNG with a fixed seed, so every run sends the same operations. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');

/** Values that stay JSON-encodable; `Enum` marks an enum literal for inlining. */
export class Enum {
  constructor(readonly name: string) {}
  toJSON(): string {
    return this.name;
  }
}
type Value = null | boolean | number | string | Enum | Value[] | { [k: string]: Value };

export interface Pool {
  /** Real global ids of readable objects, from the demo data. */
  ids: string[];
  /** Real cursors handed out by connections. */
  cursors: string[];
}

const STRINGS = [
  '',
  'a',
  'GOA',
  '2023',
  '能源 审计 🔋 é ‮עברית‬ \u0301',
  'a\u0000b',
  '\u0000',
  'x'.repeat(201),
  'x'.repeat(5_000),
  '名'.repeat(4_001),
  "' OR 1=1 --",
  '%_\\',
  '\ud800',
  '  ',
  '=HYPERLINK("x")',
];
const FORGED_CURSORS = [b64('["x"]'), b64('[1e30,"x"]'), b64('{"id":1}'), b64('[-1]'), b64('[1.5]'), b64('[2147483648]'), b64('["0000-01-01T00:00:00Z","1"]'), b64('[null,null]'), b64('[]'), '!!!', 'bm90IGpzb24', '', b64('["2024-01-01T00:00:00.000Z","99999999999999999999"]')];
const FORGED_IDS = [
  b64('Institution:99999999999'),
  b64('Institution:2147483648'),
  b64('Meter:0'),
  b64('Meter:-1'),
  b64('Foo:1'),
  b64('Institution:1.5'),
  b64(':1'),
  b64('Institution:'),
  b64('Institution:1\u0000'),
  'zz!!',
  '',
  'a\u0000b',
  'x'.repeat(500),
  b64('EpcContract:1e3'),
  b64('Region:00000000000000000001'),
];
const INTS = [0, 1, -1, 2, 3, 12, 13, 4, 5, 20, 100, 101, 1899, 2020, 2022, 2023, 2024, 2200, 9999, 2147483647, -2147483648];
const FLOATS = [0, -1, 1.5, 0.001, 1e308, -1e308, 5e-324, 123456.789, 1e15, 99999999999.99];
const DECIMALS = ['0', '-1', '1.005', '120000.00', '999999999999999.999999', '-999999999999999', '1e5', 'abc', '0.5', '1'];
const DATETIMES = ['2024-01-01T00:00:00+08:00', '2023-06-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 'yesterday', '2024-02-30T00:00:00Z', '1900-01-01T00:00:00Z', '2199-12-31T00:00:00Z', '1899-12-31T00:00:00Z', '+275760-09-13T00:00:00Z'];
const LOCAL_DATES = ['2023-01-01', '2024-06-30', '0000-01-01', '9999-12-31', '2023-02-29', '2199-12-31', '1900-01-01', '2024-13-01', '20240101'];

export class OperationGenerator {
  private readonly rand: () => number;
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly pool: Pool,
    seed: number,
  ) {
    this.rand = prng(seed);
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rand() * list.length)];
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }

  /** A value of `type`: usually of the right shape with hostile content, sometimes of the wrong shape. */
  value(type: GraphQLInputType, name: string, depth = 0): Value {
    if (!isNonNullType(type) && this.chance(0.1)) return null;
    if (isNonNullType(type) && this.chance(0.02)) return null;
    const t = getNullableType(type);
    if (this.chance(0.06)) return this.wrongShape();
    if (isListType(t)) {
      if (this.chance(0.1)) return this.value(t.ofType, name, depth + 1); // a single value where a list goes
      const n = this.pick([0, 1, 1, 2, 3, this.chance(0.1) ? 120 : 2]);
      return Array.from({ length: n }, () => this.value(t.ofType, name, depth + 1));
    }
    if (isInputObjectType(t)) {
      const out: Record<string, Value> = {};
      if (depth > 6) return out;
      for (const f of Object.values(t.getFields())) {
        if (isNonNullType(f.type) || this.chance(0.5)) out[f.name] = this.value(f.type, f.name, depth + 1);
      }
      if (this.chance(0.03)) out.notAField = 'x';
      return out;
    }
    if (isEnumType(t)) return this.chance(0.05) ? new Enum('NOT_A_VALUE') : new Enum(this.pick(t.getValues()).name);
    return this.scalar(t.name, name);
  }

  private wrongShape(): Value {
    return this.pick<Value>([{ a: 1 }, [1, 2], 'x', 1.5, true, -1, 2 ** 40, [null]]);
  }

  private scalar(type: string, name: string): Value {
    switch (type) {
      case 'Int':
        if (name === 'first' || name === 'last') return this.pick([0, 1, 2, 3, 5, 100, 101, -1, 2147483647]);
        // Mostly out of range: a valid year makes closeYear or recalculateYear recompute a whole year.
        if (name.startsWith('year')) return this.pick([0, -1, 1899, 1900, 2023, 2199, 2200, 2147483647, -2147483648]);
        return this.pick(INTS);
      case 'Float':
        return this.pick(FLOATS);
      case 'Boolean':
        return this.chance(0.5);
      case 'ID':
        return this.chance(0.5) && this.pool.ids.length ? this.pick(this.pool.ids) : this.pick(FORGED_IDS);
      case 'Decimal':
        return this.pick(DECIMALS);
      case 'DateTime':
        return this.pick(DATETIMES);
      case 'LocalDate':
        return this.pick(LOCAL_DATES);
      case 'String':
        if (name === 'after' || name === 'before') {
          return this.chance(0.4) && this.pool.cursors.length ? this.pick(this.pool.cursors) : this.pick(FORGED_CURSORS);
        }
        return this.pick(STRINGS);
      default:
        // Custom scalars (JSON and the like): anything.
        return this.pick<Value>(['x', 1, { a: '\u0000' }, null]);
    }
  }

  /** A GraphQL literal for a value. */
  literal(v: Value): string {
    if (v === null) return 'null';
    if (v instanceof Enum) return v.name;
    if (Array.isArray(v)) return `[${v.map((x) => this.literal(x)).join(', ')}]`;
    if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}: ${this.literal(x)}`).join(', ')}}`;
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v).replace('e+', 'e');
    return JSON.stringify(v);
  }

  /** Arguments for a field: inline literals, or variables (declared in `vars`). */
  args(field: GraphQLField<unknown, unknown>, vars: { defs: string[]; values: Record<string, Value> }): string {
    const parts: string[] = [];
    for (const arg of field.args) {
      if (!isNonNullType(arg.type) && arg.defaultValue === undefined && this.chance(0.4)) continue;
      if (!isNonNullType(arg.type) && arg.defaultValue !== undefined && this.chance(0.5)) continue;
      const v = this.value(arg.type, arg.name);
      if (this.chance(0.5)) {
        const name = `v${vars.defs.length}`;
        vars.defs.push(`$${name}: ${typeString(arg)}`);
        vars.values[name] = v;
        parts.push(`${arg.name}: $${name}`);
      } else parts.push(`${arg.name}: ${this.literal(v)}`);
    }
    if (this.chance(0.02)) parts.push('notAnArg: 1');
    return parts.length ? `(${parts.join(', ')})` : '';
  }

  /** A selection set for an output type, `depth` levels deep at most. */
  selection(type: GraphQLOutputType, depth: number, vars: { defs: string[]; values: Record<string, Value> }): string {
    const named = getNamedType(type) as GraphQLNamedType;
    if (isLeafType(named)) return '';
    if (isUnionType(named) || isInterfaceType(named)) {
      const possible = this.schema.getPossibleTypes(named);
      const some = possible.filter(() => this.chance(0.3)).slice(0, 3);
      return `{ __typename ${some.map((p) => `... on ${p.name} ${this.selection(p, depth, vars)}`).join(' ')} }`;
    }
    const obj = named as GraphQLObjectType;
    const fields = Object.values(obj.getFields());
    const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)));
    const nested = depth > 0 ? fields.filter((f) => !isLeafType(getNamedType(f.type))) : [];
    const chosen = new Set<GraphQLField<unknown, unknown>>();
    for (let i = 0; i < 4 && leaves.length; i++) chosen.add(this.pick(leaves));
    for (let i = 0; i < 2 && nested.length; i++) chosen.add(this.pick(nested));
    const parts = ['__typename'];
    for (const f of chosen) {
      const sub = isLeafType(getNamedType(f.type)) ? '' : this.selection(f.type, depth - 1, vars);
      parts.push(`${f.name}${this.args(f, vars)} ${sub}`);
    }
    return `{ ${parts.join(' ')} }`;
  }

  /** A path of nested object fields `depth` long (for too-deep documents). */
  deep(type: GraphQLOutputType, depth: number): string {
    const named = getNamedType(type);
    if (!isObjectType(named) || depth === 0) return isLeafType(named) ? '' : '{ __typename }';
    const nested = Object.values(named.getFields()).filter((f) => isObjectType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)));
    if (!nested.length) return '{ __typename }';
    const f = this.pick(nested);
    return `{ ${f.name} ${this.deep(f.type, depth - 1)} }`;
  }

  /** One request body (or, sometimes, a batch of them). */
  operation(): unknown {
    const roll = this.rand();
    if (roll < 0.02) return [this.single(), this.single()];
    if (roll < 0.04) return { query: this.pick(['{', '}', 'query {', '{ a: }', '#', 'mutation', '{ __typename @skip }', '{ ... on Foo }', 'query($a: Int) { __typename }']) };
    return this.single();
  }

  private single(): { query: string; variables: Record<string, Value>; operationName?: string } {
    const kind = this.chance(0.35) ? 'mutation' : this.chance(0.03) ? 'subscription' : 'query';
    const root = kind === 'mutation' ? this.schema.getMutationType() : kind === 'subscription' ? this.schema.getSubscriptionType() : this.schema.getQueryType();
    const field = this.pick(Object.values(root!.getFields()));
    const vars = { defs: [] as string[], values: {} as Record<string, Value> };
    const aliases = this.chance(0.03) ? 20 : this.pick([1, 1, 1, 2, 3]);
    const depth = this.chance(0.04) ? -1 : this.pick([0, 1, 1, 2, 3]);
    const parts: string[] = [];
    for (let i = 0; i < aliases; i++) {
      const args = this.args(field, vars);
      const sub = depth < 0 ? this.deep(field.type, 14) : this.selection(field.type, depth, vars);
      parts.push(`a${i}: ${field.name}${args} ${sub}`);
    }
    const header = vars.defs.length ? `(${vars.defs.join(', ')})` : '';
    const body = { query: `${kind} Fuzz${header} { ${parts.join(' ')} }`, variables: vars.values } as { query: string; variables: Record<string, Value>; operationName?: string };
    if (this.chance(0.02)) body.operationName = this.pick(['Other', '', 'Fuzz']);
    return body;
  }
}

function typeString(arg: GraphQLArgument): string {
  return String(arg.type);
}

/** Fields of the root Query that list objects with ids and need no arguments: where the pool comes from. */
export function poolQueries(schema: GraphQLSchema): string[] {
  const out: string[] = [];
  for (const f of Object.values(schema.getQueryType()!.getFields())) {
    if (f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const t = getNamedType(f.type);
    if (!isObjectType(t) || !t.getFields().nodes || !t.getFields().pageInfo) continue;
    const node = getNamedType(t.getFields().nodes.type);
    if (!isObjectType(node) || !node.getFields().id) continue;
    out.push(`{ ${f.name}(first: 3) { nodes { id } pageInfo { endCursor } } }`);
  }
  return out;
}
