/**
 * Settlement money. Never through floating point: prices, shares and rates arrive as decimal
 * strings, quantities at the precision the API shows them (0.001 of their unit); products are
 * exact on bigint and rounded once to integer fen, half up, by figures/money.ts. Money leaves as a
 * yuan string, 2 decimals.
 */

import { decimalOfNumber, decimalToNumber, mul, parseDecimal, roundHalfUp, sub, type Dec } from '../../figures/decimal';
import { formatFen, shareFen, yuanToFen } from '../../figures/money';
import { UNITS } from '../../figures/precision';

export { formatFen, valueInFen } from '../../figures/money';

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

/**
 * A measured quantity as the API shows it (the precision table's quantity rule, 0.001 of the
 * carrier's unit): the invoice line is then the shown quantity times the price, checkable by hand.
 */
function shownQuantity(n: number, what: string): Dec {
  const rounding = UNITS.quantity.rounding;
  return roundHalfUp(decimalOfNumber(n, what), rounding.decimals);
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
    const saved = shownQuantity(c.savings, `savings of ${c.carrier}`);
    const lineFen = yuanToFen(mul(saved, unitPrice));
    totalFen += lineFen;
    if (guaranteedRate === null) return { carrier: c.carrier, savingsValue: formatFen(lineFen), shortfallQuantity: null, shortfallValue: null };

    if (c.adjustedBaseline === undefined) throw new Error(`settle: GUARANTEED_SAVINGS needs the adjusted baseline of ${c.carrier}`);
    const guaranteed = mul(guaranteedRate, shownQuantity(c.adjustedBaseline, `adjusted baseline of ${c.carrier}`));
    let short = sub(guaranteed, saved);
    if (short.coef < 0n) short = { coef: 0n, scale: 0 };
    const shortFen = yuanToFen(mul(short, unitPrice));
    shortfallFen += shortFen;
    return {
      carrier: c.carrier,
      savingsValue: formatFen(lineFen),
      shortfallQuantity: decimalToNumber(short),
      shortfallValue: formatFen(shortFen),
    };
  });

  if (terms.type === 'GUARANTEED_SAVINGS') {
    return { type: terms.type, lines, savingsValue: formatFen(totalFen), escoShareValue: null, clientShareValue: null, shortfallValue: formatFen(shortfallFen) };
  }
  const shareable = totalFen > 0n ? totalFen : 0n;
  const { part: escoFen, rest: clientFen } = shareFen(shareable, fraction(terms.escoShare, 'escoShare'));
  return {
    type: terms.type,
    lines,
    savingsValue: formatFen(totalFen),
    escoShareValue: formatFen(escoFen),
    clientShareValue: formatFen(clientFen),
    shortfallValue: null,
  };
}
