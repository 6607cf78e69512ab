/**
 * Array parameters written as PostgreSQL array literals. node-postgres formats each element of an
 * array parameter on its own (a Date through a local-time formatter): for a batch of 1,000
 * readings that was the hub's largest CPU cost. ISO instants and numbers need no quoting.
 */

/** For `$n::timestamptz[]`. */
export function timestampArray(dates: readonly Date[]): string {
  return `{${dates.map((d) => d.toISOString()).join(',')}}`;
}

/** For `$n::int[]`, `$n::bigint[]` and `$n::float8[]` (String() is the shortest exact form of a double). */
export function numberArray(values: readonly (number | string)[]): string {
  return `{${values.join(',')}}`;
}
