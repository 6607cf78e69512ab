import { GraphQLScalarType } from 'graphql';
import { DateTimeScalar } from './scalars';

const FORMATS = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = FORMATS.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset',
    });
    FORMATS.set(timezone, f);
  }
  return f;
}

const DAYS = new Map<string, Intl.DateTimeFormat>();

/** The local calendar day (YYYY-MM-DD) of an instant in `timezone`; formatters are costly to make, so one per zone. */
export function localDay(date: Date, timezone: string): string {
  let f = DAYS.get(timezone);
  if (!f) DAYS.set(timezone, (f = new Intl.DateTimeFormat('en-CA', { timeZone: timezone })));
  return f.format(date);
}

const TODAY = new Map<string, { minute: number; day: string }>();

/**
 * Today (YYYY-MM-DD) in `timezone`, worked out once a minute (every zone's offset is whole minutes,
 * so a day starts on a minute): for bookkeeping on every request, where formatting costs.
 */
export function localToday(timezone: string, now = Date.now()): string {
  const minute = Math.floor(now / 60_000);
  let today = TODAY.get(timezone);
  if (today?.minute !== minute) TODAY.set(timezone, (today = { minute, day: localDay(new Date(minute * 60_000), timezone) }));
  return today.day;
}

/**
 * An instant written in local time with the offset of `timezone`: `2024-02-01T00:00:00+08:00`
 * (milliseconds only when there are some). The same instant as the UTC form, read as people there read it.
 */
export function formatZoned(date: Date, timezone: string): string {
  const parts = Object.fromEntries(formatter(timezone).formatToParts(date).map((p) => [p.type, p.value]));
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : parts.timeZoneName.slice(3);
  const ms = date.getUTCMilliseconds();
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${ms ? `.${String(ms).padStart(3, '0')}` : ''}${offset}`;
}

/** The DateTime scalar of the schema: reads any RFC 3339 time, writes it with the offset of the hub's time zone. */
export function zonedDateTime(timezone: string, base: GraphQLScalarType = DateTimeScalar): GraphQLScalarType {
  // The base keeps its input checks (years 1900 to 2199); only the answer's form changes.
  const config = base.toConfig();
  return new GraphQLScalarType({
    ...config,
    description: `${config.description} Answers carry the offset of the hub's time zone (EWC_TIMEZONE), such as 2024-02-01T00:00:00+08:00.`,
    serialize: (value) => formatZoned(config.serialize!(value) as Date, timezone),
  });
}
