/** Each rounding rule of the precision policy, on figures worked by hand. */
import { allocateFen, fenOf, formatFen, moneyInputProblem, roundYuan, shareFen, sumYuan, valueInFen } from '../../src/figures/money';
import { divideExact, hasExcessDigits, roundDecimalText, roundTo, sumExact, unitOfField, UNITS } from '../../src/figures/precision';
import { div, formatDecimal, parseDecimal } from '../../src/figures/decimal';
import { scoreOf } from '../../src/modules/compliance/assessment.service';
import { ComplianceStatus } from '../../src/modules/compliance/compliance.enums';

describe('quantities: kgce, kWh, m³, t CO2 to 0.001, half up', () => {
  test('the float noise the issue saw comes out as the figure meant', () => {
    expect(roundTo(49.999999999999964, 'm3')).toBe(50);
    expect(roundTo(6266.000000000002, 'tCo2')).toBe(6266);
    expect(roundTo(260683.96999999997, 'quantity')).toBe(260683.97);
    expect(roundTo(4666.674999999999, 'tCo2')).toBe(4666.675);
  });

  test('half a thousandth goes up (away from zero), less than half goes down', () => {
    // 1.2345 is stored as 1.23449999999999993..., but its decimal form is 1.2345: half up gives 1.235.
    expect(roundTo(1.2345, 'kgce')).toBe(1.235);
    expect(roundTo(1.23449, 'kgce')).toBe(1.234);
    expect(roundTo(0.0005, 'kWh')).toBe(0.001);
    expect(roundTo(-0.0005, 'kWh')).toBe(-0.001);
    expect(roundTo(-2.0004, 'kgCo2')).toBe(-2);
    expect(roundTo(12879776.713430898, 'kgce')).toBe(12879776.713);
  });

  test('sums at the decimal forms are exact', () => {
    // As floats 0.1 + 0.2 is 0.30000000000000004 and 1000.1 + 2000.2 + 3265.7 is 6266.000000000001.
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumExact([0.1, 0.2])).toBe(0.3);
    expect(sumExact([1000.1, 2000.2, 3265.7])).toBe(6266);
    expect(sumExact([8000, 391.5])).toBe(8391.5);
    // Nothing is rounded before the sum: ten 0.0004 kWh are 0.004, not ten zeros.
    expect(sumExact(Array(10).fill(0.0004))).toBe(0.004);
  });

  test('an assessment score: the exact mean of points less deductions, to 0.01 half up', () => {
    const rule = { pointsByStatus: { ADVANCED: 100, COMPLIANT: 90, ABOVE_BASELINE: 80.21, OVER_CONSTRAINT: 0, INSUFFICIENT_DATA: 0 }, deductionPerOpenRectification: 2.5 };
    // (100 + 90 + 90) / 3 = 93.333... → 93.33; less one open case: 90.833... → 90.83.
    expect(scoreOf([ComplianceStatus.ADVANCED, ComplianceStatus.COMPLIANT, ComplianceStatus.COMPLIANT], 0, rule)).toBe(93.33);
    expect(scoreOf([ComplianceStatus.ADVANCED, ComplianceStatus.COMPLIANT, ComplianceStatus.COMPLIANT], 1, rule)).toBe(90.83);
    // (100 + 80.21) / 2 = 90.105 exactly → 90.11 (as floats the mean is 90.10499999999999, and Math.round gave 90.1).
    expect(scoreOf([ComplianceStatus.ADVANCED, ComplianceStatus.ABOVE_BASELINE], 0, rule)).toBe(90.11);
    expect(scoreOf([ComplianceStatus.OVER_CONSTRAINT], 3, rule)).toBe(0);
    expect(scoreOf([null], 0, rule)).toBe(0);
  });

  test('areas and points to 0.01, temperatures to 6 significant digits', () => {
    expect(roundTo(1234.565, 'm2')).toBe(1234.57);
    expect(roundTo(-3.125, 'degC')).toBe(-3.125);
    expect(roundTo(18.333333333333332, 'degC')).toBe(18.3333);
    expect(roundTo(87.33333333333333, 'points')).toBe(87.33);
  });
});

describe('ratios to 6 significant digits, half up', () => {
  test('hand-worked', () => {
    // The assessment CSV carried 328.70573107017543.
    expect(roundTo(328.70573107017543, 'ratio')).toBe(328.706);
    expect(roundTo(0.36633967688022656, 'ratio')).toBe(0.36634);
    expect(roundTo(0.000123456789, 'ratio')).toBe(0.000123457);
    expect(roundTo(1.234565, 'ratio')).toBe(1.23457);
    expect(roundTo(1234567.89, 'ratio')).toBe(1234570);
    expect(roundTo(999999.5, 'ratio')).toBe(1000000);
    expect(roundTo(-7.627940013876754, 'ratio')).toBe(-7.62794);
    expect(roundTo(1, 'ratio')).toBe(1);
    expect(roundTo(0, 'ratio')).toBe(0);
  });
});

describe('ratios of exact totals: divided once', () => {
  const q = (a: string, b: string, digits: number) => formatDecimal(div(parseDecimal(a, 'a'), parseDecimal(b, 'b'), digits));

  test('the quotient to n significant digits, half up', () => {
    expect(q('1', '3', 6)).toBe('0.333333');
    expect(q('2', '3', 6)).toBe('0.666667');
    expect(q('-2', '3', 6)).toBe('-0.666667');
    // 0.6145 kgce over 8 m² is 0.0768125 exactly; to 5 digits the half goes up.
    expect(q('0.6145', '8', 6)).toBe('0.0768125');
    expect(q('0.6145', '8', 5)).toBe('0.076813');
    // 7.950505 m³ for 1 person: the 7th digit is a 5, and the result is cut, not rounded, before it.
    expect(q('7.950505', '1', 6)).toBe('7.95051');
    expect(q('123456789', '0.001', 6)).toBe('123457000000');
    expect(q('0', '7', 6)).toBe('0');
    expect(() => q('1', '0', 6)).toThrow(/division by zero/);
  });

  test('as a float for the boundary, from floats at their decimal forms', () => {
    // As floats 0.3 / 0.1 is 2.9999999999999996.
    expect(0.3 / 0.1).not.toBe(3);
    expect(divideExact(0.3, 0.1)).toBe(3);
    expect(divideExact(1, 3)).toBe(1 / 3);
    expect(divideExact(5, 0)).toBeNull();
    expect(roundTo(divideExact(parseDecimal('3.300005', 'x'), 1)!, 'ratio')).toBe(3.30001);
  });
});

describe('money: yuan to the fen, half up, through one module', () => {
  test('rounding and reading amounts', () => {
    expect(roundYuan('0.125')).toBe('0.13');
    expect(roundYuan('0.135')).toBe('0.14');
    expect(roundYuan('-0.125')).toBe('-0.13');
    expect(roundYuan('0.1249')).toBe('0.12');
    // A column's amount with more places is rounded, never truncated (the old balance cut 12.349 to 12.34).
    expect(fenOf('12.349')).toBe(1235n);
    expect(fenOf('125000')).toBe(12_500_000n);
    expect(formatFen(-5n)).toBe('-0.05');
    expect(formatFen(0n)).toBe('0.00');
    expect(roundDecimalText('48950000', UNITS.yuan.rounding)).toBe('48950000.00');
    expect(roundDecimalText('0.65325', UNITS.yuanPerUnit.rounding)).toBe('0.6533');
  });

  test('adding', () => {
    // As floats 0.1 + 0.2 yuan is 0.30000000000000004.
    expect(sumYuan(['0.10', '0.20'])).toBe('0.30');
    expect(sumYuan(['6850000.00', '4280000.00', '0.01', '-0.02'])).toBe('11129999.99');
    expect(sumYuan([])).toBe('0.00');
  });

  test('an invoice line: the exact product rounded once', () => {
    // 12 345.6 kWh × 0.6532 yuan = 8 064.14592 yuan → 8 064.15.
    expect(formatFen(valueInFen(12_345.6, '0.6532'))).toBe('8064.15');
    // 1 × 1.005 = 1.005 exactly: half a fen goes up (as a float, 1.005 * 100 = 100.49999999999999).
    expect(formatFen(valueInFen(1, '1.005'))).toBe('1.01');
  });

  test('sharing: the part rounded half up, the rest is what is left, so both add up', () => {
    // 70% of 1.01 yuan = 0.707 → 0.71; the client gets 0.30.
    expect(shareFen(101n, parseDecimal('0.7', 'share'))).toEqual({ part: 71n, rest: 30n });
    // 50% of 0.05 yuan = 0.025 → 0.03 (half up); 0.02 left.
    expect(shareFen(5n, parseDecimal('0.5', 'share'))).toEqual({ part: 3n, rest: 2n });
  });

  test('allocation: parts in proportion whose sum is the whole', () => {
    // 100.00 yuan in three equal parts: 33.33 each and one fen left, to the first.
    expect(allocateFen(10_000n, [1, 1, 1]).map(formatFen)).toEqual(['33.34', '33.33', '33.33']);
    // 0.10 yuan as 2:3:5 is exact.
    expect(allocateFen(10n, ['2', '3', '5'])).toEqual([2n, 3n, 5n]);
    // 1.00 yuan as 1:1:1:1:1:1:1 (14.2857 fen each): 14 each, the 2 fen left to the first two.
    const parts = allocateFen(100n, [1, 1, 1, 1, 1, 1, 1]);
    expect(parts).toEqual([15n, 15n, 14n, 14n, 14n, 14n, 14n]);
    expect(parts.reduce((a, b) => a + b, 0n)).toBe(100n);
    // The largest remainder gets the fen: 10 fen as 0.26 : 0.74 → 2.6 and 7.4 → 3 and 7.
    expect(allocateFen(10n, [0.26, 0.74])).toEqual([3n, 7n]);
    expect(allocateFen(-10_000n, [1, 1, 1])).toEqual([-3334n, -3333n, -3333n]);
    expect(() => allocateFen(10n, [0, 0])).toThrow(/add up to 0/);
  });

  test('what a client may send as money', () => {
    expect(moneyInputProblem('125000.00')).toBeNull();
    expect(moneyInputProblem('125000')).toBeNull();
    expect(moneyInputProblem('100.005')).toMatch(/at most 2 decimals/);
    expect(moneyInputProblem('1234567890123')).toMatch(/at most 12 digits/);
    expect(moneyInputProblem('-5')).toMatch(/negative/);
    expect(moneyInputProblem('0', { positive: true })).toMatch(/more than 0/);
    expect(moneyInputProblem('1e5')).toMatch(/decimal string/);
  });
});

describe('the table', () => {
  test('units from field names, and the names that do not say theirs', () => {
    expect(unitOfField('Indicators', 'waterM3')).toBe('m3');
    expect(unitOfField('Indicators', 'perCapitaWaterM3')).toBe('ratio');
    expect(unitOfField('Indicators', 'energyPerAreaKgceM2')).toBe('ratio');
    expect(unitOfField('PvProgramme', 'reportedAnnualCo2T')).toBe('tCo2');
    expect(unitOfField('PvProgramme', 'capacityKw')).toBe('kW');
    expect(unitOfField('Emissions', 'scope2KgCo2')).toBe('kgCo2');
    expect(unitOfField('EpcSettlement', 'escoShareYuan')).toBe('yuan');
    expect(unitOfField('CarrierPrice', 'priceYuan')).toBe('yuanPerUnit');
    expect(unitOfField('EpcContract', 'escoShare')).toBe('fraction');
    expect(unitOfField('CarrierFigures', 'quantity')).toBe('quantity');
    expect(unitOfField('ComplianceResult', 'constraintValue')).toBe('ratio');
    expect(unitOfField('Thing', 'somethingNew')).toBeNull();
  });

  test('noise is found: more digits than the unit allows', () => {
    expect(hasExcessDigits(49.999999999999964, UNITS.m3.rounding)).toBe(true);
    expect(hasExcessDigits(50, UNITS.m3.rounding)).toBe(false);
    expect(hasExcessDigits(328.70573107017543, UNITS.ratio.rounding)).toBe(true);
    expect(hasExcessDigits(328.706, UNITS.ratio.rounding)).toBe(false);
    expect(hasExcessDigits('419443.125', UNITS.yuan.rounding)).toBe(true);
    expect(hasExcessDigits('419443.12', UNITS.yuan.rounding)).toBe(false);
  });
});
