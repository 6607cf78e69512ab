import { GraphQLScalarType, Kind } from 'graphql';
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
