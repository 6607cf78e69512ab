import {
  defaultFieldResolver,
  getNullableType,
  isInputObjectType,
  isListType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLFieldResolver,
  type GraphQLInputField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { Problems } from '../errors/domain-errors';
import { MAX_WEATHER_CSV_CHARS } from '../modules/weather/weather.service';
import { FIRST_YEAR, LAST_YEAR } from './scalars';

const NAME = 200;
const FREE_TEXT = 4_000;

/**
 * The longest string each input takes, by argument or input-field name. One table for the whole
 * schema so a new field gets a limit (the default) without anyone remembering to add one; the limit
 * is written into the field's description in the emitted SDL.
 */
export const STRING_LIMITS: Readonly<Record<string, number>> = {
  search: 100,
  reason: FREE_TEXT,
  findings: FREE_TEXT,
  note: FREE_TEXT,
  comment: FREE_TEXT,
  source: FREE_TEXT,
  cause: FREE_TEXT,
  measures: FREE_TEXT,
  // Cursors we hand out are far shorter; anything longer is not one of ours.
  after: NAME,
  before: NAME,
  // The unified social credit code (GB 32100-2015) is 18 characters.
  creditCode: 18,
  costYuan: 32,
  // A CSV handed over GraphQL (importWeather); larger files go through the CLI.
  csv: MAX_WEATHER_CSV_CHARS,
};
/** Names, titles, serials, agency codes and any string input not in the table. */
export const DEFAULT_STRING_LIMIT = NAME;
/** Global ids are base64url of `Type:123`: a few dozen characters. */
export const ID_LIMIT = 100;

/** Ranges of Int inputs by name: a year outside them is no one's data, and date arithmetic on it fails in SQL. */
export const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  year: [FIRST_YEAR, LAST_YEAR],
  yearFrom: [FIRST_YEAR, LAST_YEAR],
  yearTo: [FIRST_YEAR, LAST_YEAR],
};

function limitOf(name: string, scalar: string): number | null {
  if (scalar === 'ID') return ID_LIMIT;
  if (scalar === 'String') return STRING_LIMITS[name] ?? DEFAULT_STRING_LIMIT;
  return null;
}

/** The scalar under lists and non-null wrappers, if this input is checked here (String, ID, a ranged Int). */
function checkedScalar(name: string, type: GraphQLInputType): string | null {
  let t = getNullableType(type);
  while (isListType(t)) t = getNullableType(t.ofType);
  if (!isScalarType(t)) return null;
  return t.name === 'String' || t.name === 'ID' || (t.name === 'Int' && INT_RANGES[name]) ? t.name : null;
}

function describe(input: GraphQLArgument | GraphQLInputField): void {
  const scalar = checkedScalar(input.name, input.type);
  if (!scalar) return;
  const range = INT_RANGES[input.name];
  const stated =
    scalar === 'Int' ? `From ${range[0]} to ${range[1]}.` : `At most ${limitOf(input.name, scalar)!.toLocaleString('en-US')} characters, no NUL.`;
  if (!input.description?.includes(stated)) input.description = input.description ? `${input.description.trimEnd()} ${stated}` : stated;
}

/** Whether a value of this type holds anything checked here, anywhere inside it. */
function holdsChecked(name: string, type: GraphQLInputType, seen = new Set<string>()): boolean {
  if (checkedScalar(name, type)) return true;
  let t = getNullableType(type);
  while (isListType(t)) t = getNullableType(t.ofType);
  if (!isInputObjectType(t) || seen.has(t.name)) return false;
  seen.add(t.name);
  return Object.values(t.getFields()).some((f) => holdsChecked(f.name, f.type, seen));
}

function characters(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * The fields of an input object that hold anything checked, computed once per type: a batch of
 * 1,000 readings is then 1,000 ID checks, not a walk of its 6,000 values with a path built for each.
 */
const checkedFieldsOf = new WeakMap<GraphQLInputObjectType, [string, GraphQLInputType][]>();
function checkedFields(t: GraphQLInputObjectType): [string, GraphQLInputType][] {
  let fields = checkedFieldsOf.get(t);
  if (!fields) {
    fields = Object.values(t.getFields()).filter((f) => holdsChecked(f.name, f.type)).map((f) => [f.name, f.type]);
    checkedFieldsOf.set(t, fields);
  }
  return fields;
}

/** A value's path, spelt only when a problem is found (`rows[3].meterId`). */
type Path = { parent: Path | null; key: string | number };
const spell = (p: Path): string => (p.parent ? spell(p.parent) + (typeof p.key === 'number' ? `[${p.key}]` : `.${p.key}`) : String(p.key));

function checkValue(name: string, path: Path, type: GraphQLInputType, value: unknown, problems: Problems): void {
  if (value === null || value === undefined) return;
  const t = getNullableType(type);
  if (isListType(t)) {
    if (Array.isArray(value)) value.forEach((v, i) => checkValue(name, { parent: path, key: i }, t.ofType, v, problems));
    return;
  }
  if (isInputObjectType(t)) {
    const object = value as Record<string, unknown>;
    for (const [key, fieldType] of checkedFields(t)) {
      if (Object.hasOwn(object, key)) checkValue(key, { parent: path, key }, fieldType, object[key], problems);
    }
    return;
  }
  if (!isScalarType(t)) return;
  const range = t.name === 'Int' ? INT_RANGES[name] : undefined;
  if (range && typeof value === 'number' && (value < range[0] || value > range[1])) problems.add(spell(path), `must be from ${range[0]} to ${range[1]}`);
  if (typeof value !== 'string') return;
  const limit = limitOf(name, t.name);
  if (limit === null) return;
  // UTF-16 units bound characters from above, so counting code points is only needed near the limit.
  if (value.length > limit && characters(value) > limit) problems.add(spell(path), `at most ${limit} characters`);
  // PostgreSQL text cannot hold NUL: refused here, not as a failed statement.
  if (value.includes('\u0000')) problems.add(spell(path), 'must not contain a NUL character');
  // Nor can text or jsonb hold half of a surrogate pair (JSON.stringify writes it as "\ud800", which jsonb refuses).
  if (LONE_SURROGATE.test(value)) problems.add(spell(path), 'must be valid Unicode (a lone surrogate code unit was sent)');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Checks a field's arguments: BAD_USER_INPUT naming each offending field. */
function argumentChecker(args: readonly GraphQLArgument[]): (values: Record<string, unknown>) => void {
  const checked = args.filter((a) => holdsChecked(a.name, a.type));
  return (values) => {
    const problems = new Problems();
    for (const arg of checked) checkValue(arg.name, { parent: null, key: arg.name }, arg.type, values[arg.name], problems);
    problems.throwIfAny();
  };
}

/**
 * Gives every String and ID input of the schema (arguments and input-object fields) a length limit
 * and refuses NUL, and keeps years in range, checked before the resolver (and so before any SQL)
 * runs. Also states each limit in the description. Changes the schema in place and returns it.
 */
export function applyInputLimits(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) describe(field);
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      field.args.forEach(describe);
      if (!field.args.some((a) => holdsChecked(a.name, a.type))) continue;
      const check = argumentChecker(field.args);
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx, info) => {
        check(args);
        return resolve(source, args, ctx, info);
      };
      const subscribe = field.subscribe;
      if (subscribe) {
        field.subscribe = (source, args, ctx, info) => {
          check(args);
          return subscribe(source, args, ctx, info);
        };
      }
    }
  }
  return schema;
}
