/**
 * Money: integer fen (1 yuan = 100 fen) on bigint, end to end. The one module that reads, adds,
 * shares and rounds amounts; rounding is half up at the fen (a half fen goes away from zero).
 * Amounts enter and leave as yuan strings with exactly 2 decimals, as the numeric(14,2) columns
 * hold them.
 */
import { decimalOfNumber, mul, parseDecimal, toInteger, tryParseDecimal, type Dec } from './decimal';
import { MONEY } from './precision';

export type Fen = bigint;

/** Integer fen → '1234.56' (always 2 decimals, no '-0.00'). */
export function formatFen(fen: Fen): string {
  const abs = fen < 0n ? -fen : fen;
  const yuan = abs / 100n;
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${fen < 0n ? '-' : ''}${yuan}.${cents}`;
}

/** Any exact amount of yuan → fen, rounded half up. */
export function yuanToFen(yuan: Dec): Fen {
  return toInteger(yuan, MONEY.decimals);
}

/** A yuan string (a column's '1234.50', or any decimal) → fen, half up; never truncated. */
export function fenOf(yuan: string): Fen {
  return yuanToFen(parseDecimal(yuan, 'amount of yuan'));
}

/** Rounds a yuan string half up to the fen: '0.125' → '0.13'. */
export function roundYuan(yuan: string): string {
  return formatFen(fenOf(yuan));
}

/** The sum of yuan strings, exact: '0.10' + '0.20' is '0.30'. */
export function sumYuan(amounts: Iterable<string>): string {
  let fen = 0n;
  for (const a of amounts) fen += fenOf(a);
  return formatFen(fen);
}

/**
 * Why an amount the caller typed is not money, or null when it is: a decimal of at most 2 places
 * (a third decimal is refused, not rounded away behind the sender's back) and at most
 * `MONEY.integerDigits` digits before the point (what the columns hold).
 */
export function moneyInputProblem(text: string, opts: { positive?: boolean; allowNegative?: boolean } = {}): string | null {
  const d = tryParseDecimal(text);
  const plain = /^-?\d+(\.\d+)?$/.test(text);
  if (!d || !plain) return 'an amount of yuan as a decimal string, e.g. "125000.00"';
  if (d.scale > MONEY.decimals) return `at most ${MONEY.decimals} decimals (yuan to the fen)`;
  if (text.replace('-', '').split('.')[0].replace(/^0+(?=\d)/, '').length > MONEY.integerDigits) return `at most ${MONEY.integerDigits} digits before the point`;
  if (d.coef < 0n && !opts.allowNegative) return 'must not be negative';
  if (opts.positive && d.coef <= 0n) return 'must be more than 0';
  return null;
}

/** quantity × unit price → fen: the exact product, rounded once half up (an invoice line). */
export function valueInFen(quantity: number | Dec, pricePerUnitYuan: string): Fen {
  const q = typeof quantity === 'number' ? decimalOfNumber(quantity, 'quantity') : quantity;
  return yuanToFen(mul(q, parseDecimal(pricePerUnitYuan, 'price')));
}

/** fraction × amount → fen, half up; the other party gets `total - part`, so the two add up exactly. */
export function shareFen(total: Fen, fraction: Dec): { part: Fen; rest: Fen } {
  const part = yuanToFen(mul({ coef: total, scale: MONEY.decimals }, fraction));
  return { part, rest: total - part };
}

/**
 * Splits `total` fen in proportion to `weights` (non-negative, not all 0) so the parts add up to
 * the total exactly: each part is rounded down, then the fen left over go one each to the largest
 * remainders (ties to the earlier part). Hamilton's method, as a bill is split across lines.
 */
export function allocateFen(total: Fen, weights: readonly (number | string)[]): Fen[] {
  if (!weights.length) throw new Error('allocate: no parts');
  const w = weights.map((x) => (typeof x === 'number' ? decimalOfNumber(x, 'weight') : parseDecimal(x, 'weight')));
  const scale = Math.max(...w.map((d) => d.scale));
  const ints = w.map((d) => d.coef * 10n ** BigInt(scale - d.scale));
  if (ints.some((x) => x < 0n)) throw new Error('allocate: weights must not be negative');
  const sum = ints.reduce((a, b) => a + b, 0n);
  if (sum === 0n) throw new Error('allocate: the weights add up to 0');
  const sign = total < 0n ? -1n : 1n;
  const abs = total * sign;
  const parts = ints.map((x) => (abs * x) / sum);
  const order = ints.map((x, i) => ({ i, rem: (abs * x) % sum })).sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  let left = abs - parts.reduce((a, b) => a + b, 0n);
  for (const { i } of order) {
    if (left === 0n) break;
    parts[i] += 1n;
    left -= 1n;
  }
  return parts.map((p) => p * sign);
}
