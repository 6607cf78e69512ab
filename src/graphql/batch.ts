/** Helpers for DataLoader batch functions: one query's rows back in the order of the keys. */

/** Orders fetched rows to match the keys DataLoader asked for. */
export function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map<K, V>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((k) => map.get(k) ?? null);
}

/** Rows grouped by a key, each group in the rows' order. */
export function groupRows<K, V>(rows: readonly V[], keyOf: (row: V) => K): Map<K, V[]> {
  const map = new Map<K, V[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

/** Groups fetched rows by the keys DataLoader asked for (an empty list for a key with none). */
export function groupByKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const map = groupRows(rows, keyOf);
  return keys.map((k) => map.get(k) ?? []);
}

/** The rows a `loadMany` found: missing ids and failed keys left out, as the lists of versions a figure used always did. */
export function foundRows<V>(loaded: (V | null | Error)[]): V[] {
  return loaded.filter((v): v is V => v !== null && !(v instanceof Error));
}
