/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015.
 *
 * Layout (1-based positions):
 *   1      registration authority code (e.g. 1 = institutional establishment office, 9 = market regulator)
 *   2      entity type within that authority (e.g. 1 = government organ, 2 = public institution)
 *   3-8    administrative division code (GB/T 2260, 6 digits)
 *   9-17   organisation code (GB 11714); position 17 is its own check character
 *   18     GB 32100 check character over positions 1-17
 */

/** The 31 allowed characters; I, O, Z, S and V are excluded to avoid confusion with 1, 0, 2, 5 and U. */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

const CREDIT_CODE_LENGTH = 18;
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/**
 * GB 32100 check character for the first 17 characters. Character values are their index in
 * CREDIT_CODE_ALPHABET (not A=10..Z=35 as in GB 11714), so e.g. 'J' is worth 18.
 * Throws if `first17` is not 17 characters of the alphabet.
 */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== CREDIT_CODE_WEIGHTS.length) {
    throw new RangeError(`expected ${CREDIT_CODE_WEIGHTS.length} characters, got ${first17.length}`);
  }
  let sum = 0;
  for (let i = 0; i < CREDIT_CODE_WEIGHTS.length; i++) {
    const value = CREDIT_CODE_ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) throw new RangeError(`character not allowed at position ${i + 1}`);
    sum += value * CREDIT_CODE_WEIGHTS[i];
  }
  return CREDIT_CODE_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/**
 * GB 11714 organisation-code check character for an 8-character body of digits / uppercase letters.
 * Letters count as A=10 .. Z=35 here (the full Latin alphabet, unlike GB 32100).
 */
export function orgCodeCheckChar(body8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body8)) {
    throw new RangeError('organisation code body must be 8 digits or uppercase letters');
  }
  let sum = 0;
  for (let i = 0; i < ORG_CODE_WEIGHTS.length; i++) {
    sum += parseInt(body8.charAt(i), 36) * ORG_CODE_WEIGHTS[i];
  }
  const check = 11 - (sum % 11);
  if (check === 10) return 'X';
  if (check === 11) return '0';
  return String(check);
}

/**
 * Returns null when `code` is a syntactically valid credit code, otherwise a short English reason.
 * Deliberately does not verify the GB 11714 check character at position 17: codes issued in the wild
 * (especially ones converted from legacy organisation codes) sometimes fail it, yet are legally valid.
 */
export function creditCodeProblem(code: string): string | null {
  if (code.length !== CREDIT_CODE_LENGTH) {
    return `wrong length: expected ${CREDIT_CODE_LENGTH} characters, got ${code.length}`;
  }
  for (let i = 0; i < CREDIT_CODE_LENGTH; i++) {
    const ch = code.charAt(i);
    if (!CREDIT_CODE_ALPHABET.includes(ch)) {
      return `character '${ch}' not allowed at position ${i + 1}`;
    }
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  const actual = code.charAt(17);
  if (actual !== expected) {
    return `check character should be ${expected}, not ${actual}`;
  }
  return null;
}

// Affine permutation of [0, 10^8): the multiplier is coprime with 10^8 (odd, not a multiple of 5),
// so distinct serials map to distinct bodies while consecutive serials do not look sequential.
const ORG_BODY_MODULUS = 100_000_000;
const ORG_BODY_MULTIPLIER = 61_728_393;
const ORG_BODY_OFFSET = 6_143_071;

/** 8-digit organisation-code body for a serial; government organ codes are typically all digits. */
function orgBodyForSerial(serial: number): string {
  // BigInt because multiplier * serial can exceed Number.MAX_SAFE_INTEGER.
  const mixed =
    (BigInt(serial) * BigInt(ORG_BODY_MULTIPLIER) + BigInt(ORG_BODY_OFFSET)) % BigInt(ORG_BODY_MODULUS);
  return mixed.toString().padStart(8, '0');
}

/**
 * Deterministically builds a syntactically valid credit code (for demo / test data only).
 * Distinct serials give distinct codes for the same prefix and division code.
 *
 * @param prefix2 positions 1-2, e.g. '11' = government organ, '12' = public institution
 * @param divisionCode 6-digit GB/T 2260 division code, e.g. '430500'
 * @param serial integer in [0, 10^8)
 */
export function makeCreditCode(prefix2: string, divisionCode: string, serial: number): string {
  if (prefix2.length !== 2 || [...prefix2].some((ch) => !CREDIT_CODE_ALPHABET.includes(ch))) {
    throw new RangeError(`prefix must be 2 characters of the credit-code alphabet, got '${prefix2}'`);
  }
  if (!/^\d{6}$/.test(divisionCode)) {
    throw new RangeError(`division code must be 6 digits, got '${divisionCode}'`);
  }
  if (!Number.isSafeInteger(serial) || serial < 0 || serial >= ORG_BODY_MODULUS) {
    throw new RangeError(`serial must be an integer in [0, ${ORG_BODY_MODULUS}), got ${serial}`);
  }
  const body = orgBodyForSerial(serial);
  // The GB 11714 check is a digit, 'X' or '0', all of which are in the 31-character alphabet.
  const first17 = prefix2 + divisionCode + body + orgCodeCheckChar(body);
  return first17 + creditCodeCheckChar(first17);
}
