/**
 * The precision policy: one table of units, each with the one rounding its figures get, and which
 * unit each figure of the schema is in. Quantities are summed exactly (SQL numeric, or integers of
 * a stated unit) and rounded once, where they leave the hub: the GraphQL boundary
 * (graphql/figures.ts) and the exports (same table). No answer shows float noise.
 */
import { add, decimalOfNumber, decimalToNumber, div, formatDecimal, parseDecimal, roundHalfUp, roundSignificant, ZERO, type Dec } from './decimal';

export type Rounding = { decimals: number } | { significant: number };

export interface UnitRule {
  /** How a field description names the unit. */
  label: string;
  rounding: Rounding;
}

/** Money columns are numeric(14,2): 12 digits before the point, to the fen. */
export const MONEY = { decimals: 2, integerDigits: 12 } as const;
/** Unit prices and fractions (rates, shares) are kept to 4 decimals (numeric(5,4), prices as given). */
export const RATE_DECIMALS = 4;

export const UNITS = {
  kgce: { label: 'In kgce', rounding: { decimals: 3 } },
  kWh: { label: 'In kWh', rounding: { decimals: 3 } },
  kW: { label: 'In kW (kWp for PV)', rounding: { decimals: 3 } },
  m3: { label: 'In m³', rounding: { decimals: 3 } },
  tCo2: { label: 'In t CO2', rounding: { decimals: 3 } },
  kgCo2: { label: 'In kg CO2', rounding: { decimals: 3 } },
  kg: { label: 'In kg', rounding: { decimals: 3 } },
  /** A carrier's or meter's own unit (kWh, m³, t, Nm³...), named beside the figure. */
  quantity: { label: 'In the physical unit named beside it', rounding: { decimals: 3 } },
  m2: { label: 'In m²', rounding: { decimals: 2 } },
  litres: { label: 'In litres', rounding: { decimals: 3 } },
  // Odometers are kept to 0.1 km.
  km: { label: 'In km', rounding: { decimals: 1 } },
  // Balance points sit on CalTRACK's 1 °F grid (65 °F = 18.3333 °C): significant digits, not 0.01.
  degC: { label: 'In °C', rounding: { significant: 6 } },
  degreeDays: { label: 'In °C·days', rounding: { decimals: 2 } },
  points: { label: 'In points', rounding: { decimals: 2 } },
  /** Shares, ratios, intensities (per m², per person), factors and statistics. */
  ratio: { label: 'A ratio (share, intensity, factor or statistic)', rounding: { significant: 6 } },
  yuan: { label: 'Money in yuan', rounding: { decimals: MONEY.decimals } },
  yuanPerUnit: { label: 'In yuan per unit of the carrier', rounding: { decimals: RATE_DECIMALS } },
  fraction: { label: 'A fraction from 0 to 1', rounding: { decimals: RATE_DECIMALS } },
} as const satisfies Record<string, UnitRule>;

export type Unit = keyof typeof UNITS;

/** Fields whose name alone does not say their unit, as `Type.field` (or `*.field` for every type). */
const FIELD_UNITS: Record<string, Unit> = {
  'CarrierPrice.priceYuan': 'yuanPerUnit',
  'EpcContract.escoShare': 'fraction',
  'EpcContract.guaranteedSavingsRate': 'fraction',
  '*.quantity': 'quantity',
  'CarrierSavingType.actual': 'quantity',
  'CarrierSavingType.adjustedBaseline': 'quantity',
  'CarrierSavingType.savings': 'quantity',
  'Reading.value': 'quantity',
  'ReadingRevision.value': 'quantity',
  'ReadingsIngestedEvent.total': 'quantity',
  'PvGenerationEvent.kwh': 'kWh',
  'BaselineCarrier.kgce': 'kgce',
  'CarrierFigures.kgce': 'kgce',
  'EpcBaseline.kgce': 'kgce',
  'EpcSavings.kgce': 'kgce',
  'CarrierFigures.kgCo2': 'kgCo2',
  'PvProgramme.actualKwhLast12Months': 'kWh',
  '*.score': 'points',
  'AuditCandidateType.score': 'ratio',
  '*.deductionPerOpenRectification': 'points',
  '*.cdd': 'degreeDays',
  '*.hdd': 'degreeDays',
  '*.specificYieldKwhPerKwp': 'ratio',
};

/** Then by the unit the name ends with (fields carry their unit in their name); first match wins. */
const NAME_UNITS: [RegExp, Unit][] = [
  // Intensities and per-unit factors: kgce per m², m³ per person, kgCO2 per kWh.
  [/^per[A-Z]|Per[A-Z]|PerUnit$|KgceM2$|Per100Km$/, 'ratio'],
  [/(^v|V)alue$/, 'ratio'],
  [/Yuan$/, 'yuan'],
  [/(^k|K)gce$/, 'kgce'],
  [/(^k|K)gCo2$/, 'kgCo2'],
  [/(^k|K)g$/, 'kg'],
  [/Co2T$/, 'tCo2'],
  [/(^k|K)wh$/, 'kWh'],
  [/(^k|K)w$/, 'kW'],
  [/M3$/, 'm3'],
  [/M2$/, 'm2'],
  [/Litres$/, 'litres'],
  [/Km$/, 'km'],
  [/Share(AtEnd|OfAdded)?$/, 'ratio'],
  [/(Temp|Balance)C$/, 'degC'],
  [/(^c|C)overage$|(^r|R)atio$|(^r|R)ate$|(^r|R)2$|^adjR2$|^cvRmse$|^nmbe$|^fsu$|^autocorrelation$|^pValue$|^estimate$|^standardError$|^beta[A-Z]|^intercept$|^factor$/, 'ratio'],
];

/** The unit of a figure of the schema, or null when the table does not say (a test fails on those). */
export function unitOfField(type: string, field: string): Unit | null {
  const direct = FIELD_UNITS[`${type}.${field}`] ?? FIELD_UNITS[`*.${field}`];
  if (direct) return direct;
  for (const [pattern, unit] of NAME_UNITS) if (pattern.test(field)) return unit;
  return null;
}

/** Fallback for a figure with no unit in the table: 15 significant digits drop binary noise only. */
export const NOISE_ONLY: Rounding = { significant: 15 };

export function roundingOf(unit: Unit | null): Rounding {
  return unit ? UNITS[unit].rounding : NOISE_ONLY;
}

/** '0.001', '6 significant digits': how a description states the rounding. */
export function describeRounding(r: Rounding): string {
  return 'decimals' in r ? (r.decimals ? `to ${formatDecimal({ coef: 1n, scale: r.decimals })}` : 'to the unit') : `to ${r.significant} significant digits`;
}

/** What a field's description says of its figure: 'In kgce, rounded half up to 0.001.' */
export function describeUnit(unit: Unit): string {
  return `${UNITS[unit].label}, rounded half up ${describeRounding(UNITS[unit].rounding)}.`;
}

/**
 * Decimals that keep the rule's digits of a float written `text` with a point at `dot` and no
 * exponent (for significant digits: past its leading zeros), or null when the rule rounds left of
 * the point.
 */
function decimalsKept(text: string, dot: number, rounding: Rounding): number | null {
  if ('decimals' in rounding) return rounding.decimals;
  const start = text.charCodeAt(0) === 45 ? 1 : 0;
  const integerDigits = dot - start;
  if (integerDigits > 1 || text[start] !== '0') return integerDigits <= rounding.significant ? rounding.significant - integerDigits : null;
  let zeros = 0;
  while (text[dot + 1 + zeros] === '0') zeros++;
  return rounding.significant + zeros;
}

/**
 * Rounds a float once, half up (away from zero), on its exact decimal form: 49.999999999999964 to
 * 0.001 is 50. The usual case works on the digits of `String(value)`: cut after the decimals kept,
 * add one when the first dropped digit is 5 or more, and divide that integer (exact below 2^53) by
 * the power of ten, which IEEE division rounds to the same float as reading the decimal would.
 * Exponent forms, rounding left of the point and longer integers take decimal.ts.
 */
export function roundNumber(value: number, rounding: Rounding): number {
  if (!Number.isFinite(value)) return value;
  const text = String(value);
  if (!text.includes('e')) {
    const dot = text.indexOf('.');
    if (dot < 0) {
      if ('decimals' in rounding || text.length - (value < 0 ? 1 : 0) <= rounding.significant) return value;
    } else {
      const kept = decimalsKept(text, dot, rounding);
      if (kept !== null && text.length - dot - 1 <= kept) return value;
      if (kept !== null && kept <= 15) {
        const negative = value < 0;
        let n = Number(text.slice(negative ? 1 : 0, dot) + text.slice(dot + 1, dot + 1 + kept));
        if (text.charCodeAt(dot + 1 + kept) >= 53) n += 1;
        if (n <= Number.MAX_SAFE_INTEGER) {
          const r = n / 10 ** kept;
          return negative && n !== 0 ? -r : r;
        }
      }
    }
  }
  const d = parseDecimal(text, 'figure');
  return decimalToNumber('decimals' in rounding ? roundHalfUp(d, rounding.decimals) : roundSignificant(d, rounding.significant));
}

/** Rounds a decimal string (money, prices, rates) and writes it with exactly the unit's decimals. */
export function roundDecimalText(text: string, rounding: Rounding): string {
  const d = parseDecimal(text, 'figure');
  if ('decimals' in rounding) return formatDecimal(roundHalfUp(d, rounding.decimals), rounding.decimals);
  return formatDecimal(roundSignificant(d, rounding.significant));
}

export function roundTo(value: number, unit: Unit): number {
  return roundNumber(value, UNITS[unit].rounding);
}

/**
 * A figure as an export writes it: the same rounding as the API gives `Type.field` (a field the
 * table does not know loses binary noise only); null and undefined stay empty.
 */
export function exportFigure(value: number | null | undefined, type: string, field: string): number | null {
  return value === null || value === undefined ? null : roundNumber(value, roundingOf(unitOfField(type, field)));
}

/**
 * The exact sum of figures taken at their decimal forms (1000.1 + 2000.2 + 3265.7 is 6266, not the
 * float 6266.000000000001), back as the float nearest to it for the boundary to round once.
 */
export function sumExact(values: Iterable<number>): number {
  let total = ZERO;
  for (const v of values) total = add(total, decimalOfNumber(v, 'figure'));
  return decimalToNumber(total);
}

/** Significant digits a quotient keeps before the boundary rounds it: a float's. */
export const QUOTIENT_DIGITS = 17;

/**
 * An intensity or share of exact figures (per capita, per m², kWh per kWp): divided once, to a
 * float's digits, for the boundary to round to the ratio rule. Null when `den` is 0.
 */
export function divideExact(num: Dec | number, den: Dec | number): number | null {
  const d = typeof den === 'number' ? decimalOfNumber(den, 'denominator') : den;
  if (d.coef === 0n) return null;
  return decimalToNumber(div(typeof num === 'number' ? decimalOfNumber(num, 'numerator') : num, d, QUOTIENT_DIGITS));
}

/** Decimals the SQL quotient is cut at before its rounding: QUOTIENT_DIGITS + 1 digits for any ratio above 1e-42. */
const SQL_QUOTIENT_SCALE = 60;

/**
 * The SQL twin of `divideExact` for statements that compute ratios (numeric in, numeric out): `num`
 * over `den` cut (truncated, `div` is exact) at SQL_QUOTIENT_SCALE decimals, then rounded half up
 * to QUOTIENT_DIGITS significant digits, which is what `div` in decimal.ts gives (half up asks only
 * whether the first dropped digit is at least 5). The cut quotient `q` is an integer of E +
 * SQL_QUOTIENT_SCALE + 1 digits for a quotient of exponent E, so `round` (half away from zero, as
 * `roundHalfUp`) keeps QUOTIENT_DIGITS - 1 - E decimals; the digits are counted once, on `q`'s text
 * (the one exact count: a float's log10 is off by one next to a power of ten). NULL when `den` is
 * not above zero or either is NULL. Both arguments are SQL expressions of type numeric; `den` is
 * written twice.
 */
export function sqlDivideExact(num: string, den: string): string {
  return `(SELECT round(q * 1e-${SQL_QUOTIENT_SCALE}, ${QUOTIENT_DIGITS + SQL_QUOTIENT_SCALE} - length(abs(q)::text))
     FROM (SELECT div((${num}) * 1e${SQL_QUOTIENT_SCALE}, (${den})) AS q) AS x WHERE (${den}) > 0)`;
}

/** Does a figure carry more digits than its unit allows (float noise)? For the schema walk test. */
export function hasExcessDigits(value: number | string, rounding: Rounding): boolean {
  const d = typeof value === 'number' ? decimalOfNumber(value, 'figure') : parseDecimal(value, 'figure');
  const r = 'decimals' in rounding ? roundHalfUp(d, rounding.decimals) : roundSignificant(d, rounding.significant);
  return formatDecimal(r) !== formatDecimal(d) && Number(formatDecimal(r)) !== Number(formatDecimal(d));
}
