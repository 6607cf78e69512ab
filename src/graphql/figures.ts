import { defaultFieldResolver, getNamedType, isInterfaceType, isObjectType, type GraphQLField, type GraphQLFieldResolver, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { describeUnit, roundDecimalText, roundingOf, roundNumber, unitOfField, type Rounding, type Unit } from '../figures/precision';

/** A figure of the schema: a Float or Decimal field of an output type, with the unit the table gives it. */
export interface FigureField {
  type: string;
  field: string;
  scalar: 'Float' | 'Decimal';
  unit: Unit | null;
}

const FIGURE_SCALARS = new Set(['Float', 'Decimal']);

function outputTypes(schema: GraphQLSchema): GraphQLNamedType[] {
  return Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__') && (isObjectType(t) || isInterfaceType(t)));
}

/** Every figure of the schema (Float and Decimal fields of object and interface types). */
export function figureFields(schema: GraphQLSchema): FigureField[] {
  const out: FigureField[] = [];
  for (const t of outputTypes(schema)) {
    if (!isObjectType(t) && !isInterfaceType(t)) continue;
    for (const f of Object.values(t.getFields())) {
      const scalar = getNamedType(f.type).name;
      if (FIGURE_SCALARS.has(scalar)) out.push({ type: t.name, field: f.name, scalar: scalar as FigureField['scalar'], unit: unitOfField(t.name, f.name) });
    }
  }
  return out;
}

function rounded(value: unknown, rounding: Rounding): unknown {
  if (typeof value === 'number') return roundNumber(value, rounding);
  if (typeof value === 'string') return roundDecimalText(value, rounding);
  if (Array.isArray(value)) return value.map((v) => rounded(v, rounding));
  return value;
}

function wrap(field: GraphQLField<unknown, unknown>, rounding: Rounding): void {
  const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
  field.resolve = (source, args, ctx, info) => {
    const value = resolve(source, args, ctx, info);
    return value instanceof Promise ? value.then((v) => rounded(v, rounding)) : rounded(value, rounding);
  };
}

/**
 * The API boundary of the precision policy: every figure is rounded here, once, by the unit the
 * table in figures/precision.ts gives its field, and its description says so. A field the table
 * does not know only loses binary noise (15 significant digits); the schema walk test names it.
 */
export function roundFigures(schema: GraphQLSchema): GraphQLSchema {
  for (const t of outputTypes(schema)) {
    if (!isObjectType(t) && !isInterfaceType(t)) continue;
    for (const f of Object.values(t.getFields())) {
      if (!FIGURE_SCALARS.has(getNamedType(f.type).name)) continue;
      const unit = unitOfField(t.name, f.name);
      if (unit) f.description = f.description ? `${f.description.replace(/\s*$/, '')} ${describeUnit(unit)}` : describeUnit(unit);
      // Interfaces only describe: their objects resolve.
      if (isObjectType(t)) wrap(f, roundingOf(unit));
    }
  }
  return schema;
}
