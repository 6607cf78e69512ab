import { LocalDateScalar } from '../../graphql/scalars';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Problems } from '../../errors/domain-errors';

export enum PeriodKind {
  YEAR = 'YEAR',
  QUARTER = 'QUARTER',
  MONTH = 'MONTH',
  YEAR_TO_DATE = 'YEAR_TO_DATE',
}
registerEnumType(PeriodKind, { name: 'PeriodKind' });

@InputType({ description: 'A calendar period in EWC_TIMEZONE: a year, or one quarter or month of it, or the year to date.' })
export class PeriodInput {
  @Field(() => Int)
  year!: number;

  @Field(() => Int, { nullable: true, description: '1 to 4.' })
  quarter?: number | null;

  @Field(() => Int, { nullable: true, description: '1 to 12.' })
  month?: number | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'Year to date through this day (inclusive).' })
  through?: string | null;
}

/** A resolved period: local calendar days [from, to). */
@ObjectType('Period')
export class Period {
  @Field(() => PeriodKind)
  kind!: PeriodKind;

  @Field(() => Int)
  year!: number;

  @Field(() => Int, { nullable: true })
  quarter!: number | null;

  @Field(() => Int, { nullable: true })
  month!: number | null;

  @Field(() => LocalDateScalar, { description: 'First day.' })
  from!: string;

  @Field(() => LocalDateScalar, { description: 'Day after the last day.' })
  to!: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
export const isoDay = (y: number, m: number, d = 1) => `${y}-${pad(m)}-${pad(d)}`;

/** Adds calendar days to a YYYY-MM-DD (no time zone involved: it is a calendar, not an instant). */
export function addDays(day: string, n: number): string {
  const t = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? isoDay(y + 1, 1) : isoDay(y, m + 1);
}

export function resolvePeriod(input: PeriodInput): Period {
  const problems = new Problems();
  const { year } = input;
  if (!Number.isInteger(year) || year < 2000 || year > 2100) problems.add('period.year', 'a year between 2000 and 2100');
  const set = [input.quarter, input.month, input.through].filter((v) => v !== null && v !== undefined).length;
  if (set > 1) problems.add('period', 'give at most one of quarter, month and through');
  if (input.quarter != null && (!Number.isInteger(input.quarter) || input.quarter < 1 || input.quarter > 4)) problems.add('period.quarter', '1 to 4');
  if (input.month != null && (!Number.isInteger(input.month) || input.month < 1 || input.month > 12)) problems.add('period.month', '1 to 12');
  if (input.through != null && !input.through.startsWith(`${year}-`)) problems.add('period.through', `a day in ${year}`);
  problems.throwIfAny();
  const base = { year, quarter: null, month: null };
  if (input.quarter) {
    const m = (input.quarter - 1) * 3 + 1;
    return { ...base, kind: PeriodKind.QUARTER, quarter: input.quarter, from: isoDay(year, m), to: input.quarter === 4 ? isoDay(year + 1, 1) : isoDay(year, m + 3) };
  }
  if (input.month) {
    return { ...base, kind: PeriodKind.MONTH, month: input.month, from: isoDay(year, input.month), to: nextMonth(isoDay(year, input.month)) };
  }
  if (input.through) return { ...base, kind: PeriodKind.YEAR_TO_DATE, from: isoDay(year, 1), to: addDays(input.through, 1) };
  return { ...base, kind: PeriodKind.YEAR, from: isoDay(year, 1), to: isoDay(year + 1, 1) };
}

export function yearPeriod(year: number): Period {
  return resolvePeriod({ year });
}
