import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';
import { MONEY, RATE_DECIMALS } from '../figures/precision';

/** What a client may send: the columns' limits (12 digits before the point, at most 4 after). */
const INPUT = new RegExp(`^-?\\d{1,${MONEY.integerDigits}}(\\.\\d{1,${RATE_DECIMALS}})?$`);
/** What the hub sends: plain decimals, already rounded by the precision table (graphql/figures.ts). */
const OUTPUT = /^-?\d+(\.\d+)?$/;

function checked(value: unknown, pattern: RegExp): string {
  const s = typeof value === 'number' ? String(value) : value;
  if (typeof s !== 'string' || !pattern.test(s)) {
    throw new TypeError(`Decimal: expected a decimal number as a string such as "1234.50" (at most ${MONEY.integerDigits} digits before the point and ${RATE_DECIMALS} after), got ${JSON.stringify(value)}`);
  }
  return s;
}

/** Money and rates: exact decimals carried as strings, never binary floats. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number as a string, such as "48950000.00": money in yuan to the fen (2 decimals, rounded half up), unit prices and fractions to 4 decimals. Each field states its unit.',
  serialize: (v) => checked(v, OUTPUT),
  parseValue: (v) => checked(v, INPUT),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING && ast.kind !== Kind.INT && ast.kind !== Kind.FLOAT) throw new TypeError('Decimal: expected a string');
    return checked(ast.value, INPUT);
  },
});

/**
 * Dates a client may send: 1900 to 2199. Year 0 or 9999 parse as dates but are no one's reading or
 * contract, and PostgreSQL's date arithmetic on them fails: refused while coercing, as BAD_USER_INPUT.
 */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2199;

function bounded<T>(base: GraphQLScalarType, yearOf: (v: T) => number): GraphQLScalarType {
  const check = (v: T): T => {
    const year = yearOf(v);
    if (!(year >= FIRST_YEAR && year <= LAST_YEAR)) throw new TypeError(`${base.name}: the year must be from ${FIRST_YEAR} to ${LAST_YEAR}`);
    return v;
  };
  const config = base.toConfig();
  return new GraphQLScalarType<T, unknown>({
    ...config,
    description: `${config.description} Years ${FIRST_YEAR} to ${LAST_YEAR}.`,
    parseValue: (value) => check(config.parseValue!(value) as T),
    parseLiteral: (ast: ValueNode, variables) => check(config.parseLiteral!(ast, variables) as T),
  });
}

/**
 * DateTime with its parsed strings remembered: a batch of 1,000 readings sends 2,000 date-times but
 * only a few dozen distinct ones (every meter's hours are the same hours), and validating and parsing
 * each was a tenth of the hub's time per batch. Only accepted strings are kept (a refused one is
 * checked again and refused again); each use gets its own Date, since a Date is mutable.
 */
function memoised(base: GraphQLScalarType, size = 4096): GraphQLScalarType {
  const config = base.toConfig();
  const parse = config.parseValue!;
  let seen = new Map<string, number>();
  return new GraphQLScalarType({
    ...config,
    parseValue: (value) => {
      if (typeof value !== 'string') return parse(value);
      let t = seen.get(value);
      if (t === undefined) {
        t = (parse(value) as Date).getTime();
        if (seen.size >= size) seen = new Map();
        seen.set(value, t);
      }
      return new Date(t);
    },
  });
}

export const DateTimeScalar = bounded<Date>(memoised(DateTimeResolver), (d) => d.getUTCFullYear());
export const LocalDateScalar = bounded<string>(LocalDateResolver, (s) => Number(s.slice(0, 4)));
