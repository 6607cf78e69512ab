/**
 * Settlement money. Never through floating point: prices, shares and rates arrive as decimal
 * strings, quantities at their shortest round-trip decimal form (`String(n)`); products are exact
 * on bigint and rounded once to integer fen, half up. Money leaves as a yuan string, 2 decimals.
 */

// Settlement money (exact decimals, integer fen)

/** Exact decimal: coef / 10^scale. */
interface Dec {
  coef: bigint;
  scale: number;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

function parseDecimal(text: string, what: string): Dec {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new Error(`${what}: not a decimal number: '${text}'`);
  const [, sign, int, frac = '', exp = '0'] = m;
  let coef = BigInt(int + frac);
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    coef *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { coef: sign === '-' ? -coef : coef, scale };
}

/** A float quantity at its shortest round-trip decimal form (12345.6 → exactly 12345.6). */
function decimalOfNumber(n: number, what: string): Dec {
  if (!Number.isFinite(n)) throw new Error(`${what}: must be a finite number, got ${n}`);
  return parseDecimal(String(n), what);
}

function mul(a: Dec, b: Dec): Dec {
  return { coef: a.coef * b.coef, scale: a.scale + b.scale };
}

function sub(a: Dec, b: Dec): Dec {
  const scale = Math.max(a.scale, b.scale);
  return { coef: a.coef * 10n ** BigInt(scale - a.scale) - b.coef * 10n ** BigInt(scale - b.scale), scale };
}

function decToNumber(d: Dec): number {
  return Number(d.coef) / 10 ** d.scale;
}

/** Rounds coef / 10^scale to an integer, half up (away from zero). */
function roundHalfUp(d: Dec): bigint {
  if (d.scale <= 0) return d.coef * 10n ** BigInt(-d.scale);
  const unit = 10n ** BigInt(d.scale);
  const abs = d.coef < 0n ? -d.coef : d.coef;
  let q = abs / unit;
  if ((abs % unit) * 2n >= unit) q += 1n;
  return d.coef < 0n ? -q : q;
}

/** Yuan amount → integer fen, half up. */
function yuanToFen(yuan: Dec): bigint {
  return roundHalfUp(mul(yuan, { coef: 100n, scale: 0 }));
}

/** Integer fen → '1234.56' (always 2 decimals, no '-0.00'). */
export function formatFen(fen: bigint): string {
  const abs = fen < 0n ? -fen : fen;
  const yuan = abs / 100n;
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${fen < 0n ? '-' : ''}${yuan}.${cents}`;
}

function fraction(text: string, what: string): Dec {
  const d = parseDecimal(text, what);
  if (d.coef < 0n || d.coef > 10n ** BigInt(d.scale)) throw new Error(`${what}: must be between 0 and 1, got '${text}'`);
  return d;
}

function price(text: string | undefined, carrier: string): Dec {
  if (text === undefined) throw new Error(`settle: no price for carrier ${carrier}`);
  const d = parseDecimal(text, `price of ${carrier}`);
  if (d.coef < 0n) throw new Error(`settle: price of ${carrier} must not be negative, got '${text}'`);
  return d;
}

/** quantity × price in yuan → integer fen, exact product then one half-up rounding. */
export function valueInFen(quantity: number, pricePerUnitYuan: string): bigint {
  return yuanToFen(mul(decimalOfNumber(quantity, 'quantity'), parseDecimal(pricePerUnitYuan, 'price')));
}

/** One carrier's measured figures for the settlement period, in its physical unit. */
export interface CarrierSavings {
  carrier: string;
  /** Savings = adjusted baseline - actual (may be negative). */
  savings: number;
  /** Adjusted baseline; required for GUARANTEED_SAVINGS. */
  adjustedBaseline?: number;
}

export type SettlementTerms =
  | {
      type: 'BENEFIT_SHARING';
      /** ESCO's fraction of the savings value, '0' to '1' (e.g. '0.7'). */
      escoShare: string;
      /** Yuan per unit by carrier, e.g. { ELECTRICITY: '0.6532' }. */
      prices: Record<string, string>;
    }
  | {
      type: 'GUARANTEED_SAVINGS';
      /** Guaranteed savings rate against the adjusted baseline, '0' to '1' (e.g. '0.15'). */
      guaranteedRate: string;
      prices: Record<string, string>;
    };

export interface SettlementLine {
  carrier: string;
  /** savings × price, yuan, 2 decimals. */
  savingsValue: string;
  /** GUARANTEED_SAVINGS only: max(0, rate × adjusted baseline - savings), physical units. */
  shortfallQuantity: number | null;
  /** GUARANTEED_SAVINGS only: shortfallQuantity × price, yuan, 2 decimals. */
  shortfallValue: string | null;
}

export interface Settlement {
  type: SettlementTerms['type'];
  lines: SettlementLine[];
  /** Sum of the lines' fen. */
  savingsValue: string;
  /** BENEFIT_SHARING only: escoShare × max(0, savingsValue), on fen, half up. */
  escoShareValue: string | null;
  /** BENEFIT_SHARING only: max(0, savingsValue) - escoShareValue, so the two add up exactly. */
  clientShareValue: string | null;
  /** GUARANTEED_SAVINGS only: sum of the lines' shortfall fen, owed by the ESCO. */
  shortfallValue: string | null;
}

/**
 * Settles one period in money. Rounding, all half up at the fen:
 * - each carrier line: exact quantity × price, rounded once to fen (as on an invoice line);
 * - totals: sums of line fen (no re-rounding);
 * - ESCO share: share × total fen, rounded to fen; the client gets the rest to the fen.
 * A negative total saving gives both shares 0 (there is nothing to share; penalties are a
 * contract matter outside this function). The guarantee is checked per carrier, without
 * netting one carrier's excess against another's shortfall.
 */
export function settle(carriers: readonly CarrierSavings[], terms: SettlementTerms): Settlement {
  const guaranteedRate = terms.type === 'GUARANTEED_SAVINGS' ? fraction(terms.guaranteedRate, 'guaranteedRate') : null;
  let totalFen = 0n;
  let shortfallFen = 0n;
  const lines = carriers.map((c): SettlementLine => {
    const unitPrice = price(terms.prices[c.carrier], c.carrier);
    const saved = decimalOfNumber(c.savings, `savings of ${c.carrier}`);
    const lineFen = yuanToFen(mul(saved, unitPrice));
    totalFen += lineFen;
    if (guaranteedRate === null) return { carrier: c.carrier, savingsValue: formatFen(lineFen), shortfallQuantity: null, shortfallValue: null };

    if (c.adjustedBaseline === undefined) throw new Error(`settle: GUARANTEED_SAVINGS needs the adjusted baseline of ${c.carrier}`);
    const guaranteed = mul(guaranteedRate, decimalOfNumber(c.adjustedBaseline, `adjusted baseline of ${c.carrier}`));
    let short = sub(guaranteed, saved);
    if (short.coef < 0n) short = { coef: 0n, scale: 0 };
    const shortFen = yuanToFen(mul(short, unitPrice));
    shortfallFen += shortFen;
    return {
      carrier: c.carrier,
      savingsValue: formatFen(lineFen),
      shortfallQuantity: decToNumber(short),
      shortfallValue: formatFen(shortFen),
    };
  });

  if (terms.type === 'GUARANTEED_SAVINGS') {
    return { type: terms.type, lines, savingsValue: formatFen(totalFen), escoShareValue: null, clientShareValue: null, shortfallValue: formatFen(shortfallFen) };
  }
  const shareable = totalFen > 0n ? totalFen : 0n;
  const escoFen = roundHalfUp(mul({ coef: shareable, scale: 0 }, fraction(terms.escoShare, 'escoShare')));
  return {
    type: terms.type,
    lines,
    savingsValue: formatFen(totalFen),
    escoShareValue: formatFen(escoFen),
    clientShareValue: formatFen(shareable - escoFen),
    shortfallValue: null,
  };
}
