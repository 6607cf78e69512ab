/**
 * No answer shows float noise: every figure of the schema (each Float and Decimal field of an
 * output type, found by introspection, so a new one is walked without touching this file) is
 * queried over the demo through the real server with GOA's key, from every root query field whose
 * arguments can be made up, and each value must carry no more digits than its unit's rule in
 * figures/precision.ts allows. Money must read with exactly 2 decimals.
 */
import {
  buildClientSchema, getIntrospectionQuery, getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, isScalarType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLObjectType, type GraphQLOutputType, type GraphQLSchema, type IntrospectionQuery,
} from 'graphql';
import { hasExcessDigits, roundingOf, unitOfField } from '../../src/figures/precision';
import { toGlobalId } from '../../src/graphql/relay';
import { RecordEpcPaymentDocument } from '../../src/generated/graphql';
import { startTestHub, type GqlResult, type TestHub } from '../helpers/hub';

let t: TestHub;
let schema: GraphQLSchema;
/** Ids for arguments that name an object (`stationId`, `id` of a contract...): demo rows found in beforeAll. */
const ids: Record<string, string> = {};

const FIGURE = new Set(['Float', 'Decimal']);
const MAX_DEPTH = 6;

beforeAll(async () => {
  t = await startTestHub({ EWC_BUDGETS: 'off' });
  const intro = (await t.raw({ query: getIntrospectionQuery() }, t.keys.goa)) as GqlResult<IntrospectionQuery>;
  schema = buildClientSchema(intro.data!);
  // A row the demo lacks leaves its argument unset: the fields that need it are not walked.
  const put = async (key: string, type: string, sql: string) => {
    const row = (await t.sql<{ id: number }>(sql))[0];
    if (row) ids[key] = toGlobalId(type, Number(row.id));
  };
  await put('stationId', 'WeatherStation', 'SELECT id FROM weather_station ORDER BY id LIMIT 1');
  await put('epcContract.id', 'EpcContract', `SELECT id FROM epc_contract WHERE status = 'OPERATING' ORDER BY id LIMIT 1`);
  await put('institution.id', 'Institution', `SELECT id FROM institution WHERE name_zh = '隆回县人民医院'`);
  await put('meter.id', 'Meter', `SELECT id FROM meter WHERE serial = 'SY-hosp-longhui-E1'`);
  ids.meterId = ids['meter.id'];
  await put('region.id', 'Region', `SELECT id FROM region WHERE code = '430500'`);
});

afterAll(async () => {
  await t?.close();
});

/** A made-up value for an argument, or undefined when none fits (the field is then left out). */
function sample(arg: { name: string; type: GraphQLInputType }, owner: string): unknown {
  const type = isNonNullType(arg.type) ? arg.type.ofType : arg.type;
  if (isListType(type)) return undefined;
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0].value;
  if (isInputObjectType(named)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(named.getFields())) {
      if (!isNonNullType(f.type)) continue;
      const v = sample(f, named.name);
      if (v === undefined) return undefined;
      out[f.name] = v;
    }
    return out;
  }
  if (!isScalarType(named)) return undefined;
  switch (named.name) {
    case 'Int':
      return /^(first|last)$/.test(arg.name) ? 3 : arg.name === 'year' ? 2023 : arg.name === 'month' ? 6 : 1;
    case 'LocalDate':
      return arg.name === 'from' ? '2023-01-01' : arg.name === 'to' ? '2024-01-01' : '2024-06-30';
    case 'ID':
      return ids[arg.name] ?? ids[`${owner}.${arg.name}`];
    case 'Float':
      return undefined;
    case 'Boolean':
      return false;
    default:
      return undefined;
  }
}

/** Literal GraphQL text of a JSON value (enum values bare). */
function literal(v: unknown, type: GraphQLInputType): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isEnumType(inner)) return String(v);
  if (isInputObjectType(inner)) {
    const fields = inner.getFields();
    return `{ ${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${literal(x, fields[k].type)}`).join(', ')} }`;
  }
  return JSON.stringify(v);
}

/** `(a: 1, b: "x")` for the arguments that need a value (required ones, and a page size); null when one cannot be made. */
function argsText(field: GraphQLField<unknown, unknown>, owner: string): string | null {
  const parts: string[] = [];
  for (const a of field.args as GraphQLArgument[]) {
    const needed = isNonNullType(a.type) && a.defaultValue === undefined;
    if (!needed && !/^first$/.test(a.name)) continue;
    const v = sample(a, owner);
    if (v === undefined) {
      if (needed) return null;
      continue;
    }
    parts.push(`${a.name}: ${literal(v, a.type)}`);
  }
  return parts.length ? `(${parts.join(', ')})` : '';
}

/** The selection of every figure reachable from `type`, or null when none is. */
function selection(type: GraphQLObjectType, depth: number, path: Set<string>): string | null {
  const parts: string[] = [];
  for (const f of Object.values(type.getFields())) {
    const named = getNamedType(f.type as GraphQLOutputType);
    const args = argsText(f, type.name === 'Query' ? f.name : named.name);
    if (args === null) continue;
    if (FIGURE.has(named.name)) parts.push(`${f.name}${args}`);
    else if (isObjectType(named) && depth < MAX_DEPTH && !path.has(named.name)) {
      const sub = selection(named, depth + 1, new Set([...path, named.name]));
      if (sub) parts.push(`${f.name}${args} { ${sub} }`);
    }
  }
  return parts.length ? `__typename ${parts.join(' ')}` : null;
}

interface Finding {
  at: string;
  value: unknown;
}

/** Walks an answer beside its type: records each figure seen, and each with more digits than its unit allows. */
function check(value: unknown, type: GraphQLObjectType, at: string, seen: Set<string>, noisy: Finding[]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) return value.forEach((v, i) => check(v, type, `${at}[${i}]`, seen, noisy));
  const obj = value as Record<string, unknown>;
  for (const [name, v] of Object.entries(obj)) {
    const field = type.getFields()[name];
    if (!field || v === null) continue;
    const named = getNamedType(field.type);
    const coordinate = `${type.name}.${name}`;
    if (FIGURE.has(named.name)) {
      for (const x of Array.isArray(v) ? v : [v]) {
        if (x === null) continue;
        seen.add(coordinate);
        const unit = unitOfField(type.name, name);
        const bad = hasExcessDigits(x as number | string, roundingOf(unit)) || (unit === 'yuan' && !/^-?\d+\.\d{2}$/.test(String(x)));
        if (bad) noisy.push({ at: `${at}.${name} (${coordinate}, ${unit})`, value: x });
      }
    } else if (isObjectType(named)) check(v, named, `${at}.${name}`, seen, noisy);
  }
}

test('every figure of the schema has a unit in the precision table', () => {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const f of Object.values(type.getFields())) {
      if (FIGURE.has(getNamedType(f.type).name) && !unitOfField(type.name, f.name)) missing.push(`${type.name}.${f.name}`);
      // The description states the unit and its rounding (graphql/figures.ts writes it).
      else if (FIGURE.has(getNamedType(f.type).name)) expect(f.description ?? '').toMatch(/rounded half up to /);
    }
  }
  expect(missing).toEqual([]);
});

test('no figure in any answer over the demo carries float noise', async () => {
  const query = schema.getQueryType()!;
  const seen = new Set<string>();
  const noisy: Finding[] = [];
  const errors: string[] = [];
  const walked: string[] = [];
  for (const root of Object.values(query.getFields())) {
    const named = getNamedType(root.type);
    const args = argsText(root, root.name);
    if (args === null || !isObjectType(named)) continue;
    const sub = selection(named, 1, new Set([named.name]));
    if (!sub) continue;
    walked.push(root.name);
    const r = await t.raw({ query: `{ ${root.name}${args} { ${sub} } }` }, t.keys.goa);
    for (const e of r.errors ?? []) errors.push(`${root.name}: ${e.extensions?.code} ${e.message}`);
    const data = (r.data ?? {}) as Record<string, unknown>;
    check(data[root.name], named, root.name, seen, noisy);
  }
  if (process.env.EWC_FIGURES_REPORT) process.stdout.write(`walked ${walked.length} root fields: ${walked.join(' ')}\ncovered ${seen.size} figures: ${[...seen].sort().join(' ')}\n`);
  expect(errors).toEqual([]);
  expect(noisy).toEqual([]);
  // The walk reaches the figures the issue saw noisy, and money, ratios and quantities of every kind.
  const mustWalk = ['institutions', 'aggregateIndicators', 'epcContracts', 'pvProgramme', 'pvProjects', 'readings'];
  expect(mustWalk.filter((r) => !walked.includes(r))).toEqual([]);
  const mustSee = ['Indicators.waterM3', 'Indicators.energyKgce', 'Indicators.perCapitaEnergyKgce', 'Indicators.coverage', 'Emissions.totalKgCo2', 'CarrierFigures.quantity',
    'PvProgramme.reportedAnnualCo2T', 'PvProgramme.investmentYuan', 'PvProgramme.capacityKw', 'EpcSavings.savingsKgce', 'EpcSettlement.savingsValueYuan',
    'EpcSettlement.escoShareYuan', 'EpcContract.balanceYuan', 'CarrierPrice.priceYuan', 'Reading.value'];
  expect(mustSee.filter((c) => !seen.has(c))).toEqual([]);
});

test('money the client sends is to the fen: a third decimal or a 13th digit is refused and nothing is stored', async () => {
  const contractId = ids['epcContract.id'];
  const count = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM epc_payment'))[0].n);
  const before = await count();
  const third = await t.gql(RecordEpcPaymentDocument, { contractId, amountYuan: '100.005', paidOn: '2024-06-30' }, t.keys.finance);
  expect(third.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(third.errors?.[0].message).toMatch(/amountYuan.*at most 2 decimals/);
  // The scalar takes what the columns hold: 12 digits before the point.
  const huge = await t.gql(RecordEpcPaymentDocument, { contractId, amountYuan: '1234567890123.00', paidOn: '2024-06-30' }, t.keys.finance);
  expect(huge.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(await count()).toBe(before);
  // A whole amount is stored and answered to the fen.
  const ok = await t.gql(RecordEpcPaymentDocument, { contractId, amountYuan: '100', paidOn: '2024-06-30' }, t.keys.finance);
  expect(ok.errors).toBeUndefined();
  expect(ok.data!.recordEpcPayment.amountYuan).toBe('100.00');
  expect(await count()).toBe(before + 1);
});
