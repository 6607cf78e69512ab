import { GraphQLScalarType, Kind } from 'graphql';

const DECIMAL = /^-?\d{1,15}(\.\d{1,6})?$/;

function checked(value: unknown): string {
  const s = typeof value === 'number' ? String(value) : value;
  if (typeof s !== 'string' || !DECIMAL.test(s)) throw new TypeError(`Decimal: expected a decimal number as a string such as "1234.50", got ${JSON.stringify(value)}`);
  return s;
}

/** Money and rates: exact decimals carried as strings, never binary floats. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number as a string, such as "48950000.00" (money in yuan, rates as fractions).',
  serialize: checked,
  parseValue: checked,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING && ast.kind !== Kind.INT && ast.kind !== Kind.FLOAT) throw new TypeError('Decimal: expected a string');
    return checked(ast.value);
  },
});
