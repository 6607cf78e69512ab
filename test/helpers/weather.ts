/** Days from `from` (inclusive) to `to` (exclusive), YYYY-MM-DD. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t < Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * A synthetic seasonal daily mean, °C: 17 ± `amplitude` (coldest mid-January, warmest mid-July)
 * with deterministic wiggles from the day's index `i`.
 */
export function seasonalTemperature(day: string, i: number, amplitude: number): number {
  const d = new Date(`${day}T00:00:00Z`);
  const doy = (d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000 + 1;
  return 17 + amplitude * Math.sin((2 * Math.PI * (doy - 105)) / 365) + 3 * Math.sin(1.7 * i) + 1.5 * Math.sin(0.37 * i);
}
