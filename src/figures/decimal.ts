/**
 * Exact decimals on bigint: coef / 10^scale. The one decimal arithmetic of the hub (money,
 * rounding at the API boundary); no binary float enters a result. A float is taken at its shortest
 * round-trip decimal form (`String(n)`: 12345.6 means exactly 12345.6).
 */
export interface Dec {
  coef: bigint;
  scale: number;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
const PLAIN = /^-?\d+(?:\.\d+)?$/;

const POW10: bigint[] = [];
/** 10^n, cached: sums over thousands of rows align scales with it. */
export function pow10(n: number): bigint {
  return (POW10[n] ??= 10n ** BigInt(n));
}

/** Parses '12.50', '-3', '1e-7'; null when the text is not a decimal number. */
export function tryParseDecimal(text: string): Dec | null {
  // The plain form (what node-pg gives for a numeric column) without the general regex: hot in sums.
  if (PLAIN.test(text)) {
    const dot = text.indexOf('.');
    return dot < 0 ? { coef: BigInt(text), scale: 0 } : { coef: BigInt(text.slice(0, dot) + text.slice(dot + 1)), scale: text.length - dot - 1 };
  }
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  const [, sign, int, frac = '', exp = '0'] = m;
  let coef = BigInt(int + frac);
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    coef *= pow10(-scale);
    scale = 0;
  }
  return { coef: sign === '-' ? -coef : coef, scale };
}

export function parseDecimal(text: string, what: string): Dec {
  const d = tryParseDecimal(text);
  if (!d) throw new Error(`${what}: not a decimal number: '${text}'`);
  return d;
}

/** A float at its shortest round-trip decimal form (12345.6 → exactly 12345.6). */
export function decimalOfNumber(n: number, what: string): Dec {
  if (!Number.isFinite(n)) throw new Error(`${what}: must be a finite number, got ${n}`);
  return parseDecimal(String(n), what);
}

export function mul(a: Dec, b: Dec): Dec {
  return { coef: a.coef * b.coef, scale: a.scale + b.scale };
}

function aligned(a: Dec, b: Dec): [bigint, bigint, number] {
  if (a.scale === b.scale) return [a.coef, b.coef, a.scale];
  return a.scale > b.scale ? [a.coef, b.coef * pow10(a.scale - b.scale), a.scale] : [a.coef * pow10(b.scale - a.scale), b.coef, b.scale];
}

export function add(a: Dec, b: Dec): Dec {
  const [x, y, scale] = aligned(a, b);
  return { coef: x + y, scale };
}

export function sub(a: Dec, b: Dec): Dec {
  const [x, y, scale] = aligned(a, b);
  return { coef: x - y, scale };
}

export const ZERO: Dec = { coef: 0n, scale: 0 };

/** The exact sum. */
export function sum(values: Iterable<Dec>): Dec {
  let total = ZERO;
  for (const v of values) total = add(total, v);
  return total;
}

/**
 * a / b to `digits` significant digits, half up: the one rounding a ratio of exact sums gets
 * before the boundary's. The quotient is cut one digit past `digits`; half up only asks whether
 * what follows is at least half, which the cut digit answers exactly.
 */
export function div(a: Dec, b: Dec, digits: number): Dec {
  if (b.coef === 0n) throw new Error('division by zero');
  if (a.coef === 0n) return ZERO;
  const length = (x: bigint) => (x < 0n ? -x : x).toString().length;
  const shift = Math.max(0, digits + 1 - (length(a.coef) - length(b.coef)));
  let scale = a.scale - b.scale + shift;
  let coef = (a.coef * pow10(shift)) / b.coef;
  if (scale < 0) {
    coef *= pow10(-scale);
    scale = 0;
  }
  return roundSignificant({ coef, scale }, digits);
}

/** Rounds to `decimals` places, half up (a half goes away from zero, as on an invoice). */
export function roundHalfUp(d: Dec, decimals: number): Dec {
  if (d.scale <= decimals) return d;
  const unit = pow10(d.scale - decimals);
  const abs = d.coef < 0n ? -d.coef : d.coef;
  let q = abs / unit;
  if ((abs % unit) * 2n >= unit) q += 1n;
  return { coef: d.coef < 0n ? -q : q, scale: decimals };
}

/** Rounds to `digits` significant digits, half up; 0 stays 0. */
export function roundSignificant(d: Dec, digits: number): Dec {
  const abs = d.coef < 0n ? -d.coef : d.coef;
  if (abs === 0n) return ZERO;
  const length = abs.toString().length;
  // Digits after the point that keep `digits` significant ones (negative: rounds to tens, hundreds...).
  const decimals = digits - (length - d.scale);
  if (decimals >= d.scale) return d;
  if (decimals >= 0) return roundHalfUp(d, decimals);
  const r = roundHalfUp({ coef: d.coef, scale: d.scale - decimals }, 0);
  return { coef: r.coef * pow10(-decimals), scale: 0 };
}

/** Integer of coef / 10^scale rounded half up: amounts in their smallest unit (fen, milli-units). */
export function toInteger(d: Dec, decimals: number): bigint {
  const r = roundHalfUp(d, decimals);
  return r.coef * pow10(decimals - r.scale);
}

/** The plain decimal text, with exactly `decimals` places when given (no exponent, no '-0'). */
export function formatDecimal(d: Dec, decimals?: number): string {
  let { coef, scale } = d;
  if (decimals !== undefined && scale < decimals) {
    coef *= pow10(decimals - scale);
    scale = decimals;
  }
  const abs = coef < 0n ? -coef : coef;
  const digits = abs.toString().padStart(scale + 1, '0');
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return coef < 0n ? `-${text}` : text;
}

/** Back to a float: exact for any decimal a float can hold (at most about 15 significant digits). */
export function decimalToNumber(d: Dec): number {
  return Number(formatDecimal(d));
}
