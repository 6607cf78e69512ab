import {
  adjustBaseline,
  degreeDays,
  fitDegreeDayModel,
  formatFen,
  leastSquares,
  MIN_COVERAGE,
  periodFlag,
  predict,
  savings,
  settle,
  solveLinearSystem,
  valueInFen,
  type DegreeDayPeriod,
} from '../../src/modules/epc/mv';

// Pure maths: no hub, no database.

describe('adjustBaseline', () => {
  const baseline = { floorAreaM2: 10_000, headcount: 500 };

  it('scales by floor area', () => {
    // 100,000 kgce × 12,000 m² / 10,000 m² = 120,000 kgce
    expect(adjustBaseline(100_000, baseline, { floorAreaM2: 12_000, headcount: 500 }, 'FLOOR_AREA')).toBeCloseTo(120_000, 9);
  });

  it('scales by headcount', () => {
    // 100,000 kgce × 450 / 500 = 90,000 kgce
    expect(adjustBaseline(100_000, baseline, { floorAreaM2: 12_000, headcount: 450 }, 'HEADCOUNT')).toBeCloseTo(90_000, 9);
  });

  it('leaves the baseline alone for NONE, even without site facts', () => {
    expect(adjustBaseline(100_000, {}, {}, 'NONE')).toBe(100_000);
  });

  it('refuses zero or missing driver values', () => {
    expect(() => adjustBaseline(100_000, { floorAreaM2: 0 }, { floorAreaM2: 12_000 }, 'FLOOR_AREA')).toThrow(/baseline floorAreaM2 must be a number > 0/);
    expect(() => adjustBaseline(100_000, baseline, { floorAreaM2: 12_000, headcount: null }, 'HEADCOUNT')).toThrow(/current headcount/);
    expect(() => adjustBaseline(100_000, baseline, {}, 'FLOOR_AREA')).toThrow(/current floorAreaM2/);
    expect(() => adjustBaseline(100_000, baseline, { floorAreaM2: Number.NaN }, 'FLOOR_AREA')).toThrow(/current floorAreaM2/);
    expect(() => adjustBaseline(Number.NaN, baseline, baseline, 'FLOOR_AREA')).toThrow(/baselineKgce/);
  });
});

describe('degreeDays', () => {
  const temps = [10, 20, 18, 15.5, 25];

  it('sums HDD and CDD', () => {
    // HDD at 18: 8 + 0 + 0 + 2.5 + 0 = 10.5
    expect(degreeDays(temps, 18, 'HDD')).toBeCloseTo(10.5, 12);
    // CDD at 18: 0 + 2 + 0 + 0 + 7 = 9
    expect(degreeDays(temps, 18, 'CDD')).toBeCloseTo(9, 12);
    // CDD at 22: only 25 → 3
    expect(degreeDays(temps, 22, 'CDD')).toBeCloseTo(3, 12);
    expect(degreeDays([], 18, 'HDD')).toBe(0);
  });

  it('refuses missing temperatures', () => {
    expect(() => degreeDays([10, Number.NaN], 18, 'HDD')).toThrow(/finite/);
  });
});

describe('least squares', () => {
  it('solves a small system', () => {
    // x + y = 3, x - y = 1 → x = 2, y = 1
    const [x, y] = solveLinearSystem([[1, 1], [1, -1]], [3, 1]);
    expect(x).toBeCloseTo(2, 12);
    expect(y).toBeCloseTo(1, 12);
  });

  it('fits a line and a weighted mean', () => {
    // y = 1 + 2x through (0,1), (1,3), (2,5)
    const [a, b] = leastSquares([[1, 0], [1, 1], [1, 2]], [1, 3, 5]);
    expect(a).toBeCloseTo(1, 12);
    expect(b).toBeCloseTo(2, 12);
    // intercept only, weights 1 and 3: (1·10 + 3·20) / 4 = 17.5
    expect(leastSquares([[1], [1]], [10, 20], [1, 3])[0]).toBeCloseTo(17.5, 12);
  });

  it('throws on a singular matrix', () => {
    // second row is twice the first
    expect(() => solveLinearSystem([[1, 2], [2, 4]], [3, 6])).toThrow(/singular/);
    // two identical regressors: XᵀX has rank 2, not 3
    expect(() => leastSquares([[1, 2, 2], [1, 3, 3], [1, 5, 5]], [1, 2, 3])).toThrow(/singular/);
  });
});

// Synthetic weather: 24 calendar months (2023-2024, 731 days), a seasonal swing from about
// -2 °C in January to 26 °C in July plus deterministic day-to-day wiggles of up to ±6 °C, so
// every month straddles some balance points and no two candidate HDD series are affine.
function syntheticMonths(): number[][] {
  const months: number[][] = [];
  let day = 0;
  for (let m = 0; m < 24; m++) {
    const days = new Date(Date.UTC(2023 + Math.floor(m / 12), (m % 12) + 1, 0)).getUTCDate();
    const temps: number[] = [];
    for (let d = 0; d < days; d++, day++) {
      temps.push(12 - 14 * Math.cos((2 * Math.PI * (day - 15)) / 365) + 4 * Math.sin(1.7 * day) + 2 * Math.sin(0.37 * day));
    }
    months.push(temps);
  }
  return months;
}

/** Periods whose usage per day is exactly truth(HDD/day at each balance, CDD/day at each balance). */
function periodsFrom(months: number[][], usagePerDay: (hddPerDay: (b: number) => number, cddPerDay: (b: number) => number) => number): DegreeDayPeriod[] {
  const balances = [-30, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
  return months.map((temps) => {
    const hddByBalance: Record<number, number> = {};
    const cddByBalance: Record<number, number> = {};
    for (const b of balances) {
      hddByBalance[b] = degreeDays(temps, b, 'HDD');
      cddByBalance[b] = degreeDays(temps, b, 'CDD');
    }
    const days = temps.length;
    const usage = days * usagePerDay((b) => hddByBalance[b] / days, (b) => cddByBalance[b] / days);
    return { days, hddByBalance, cddByBalance, usage };
  });
}

describe('fitDegreeDayModel', () => {
  const months = syntheticMonths();

  it('recovers a hand-worked heating model', () => {
    // Three 30-day periods with HDD(18) totals 0, 150, 300 → 0, 5, 10 per day.
    // usage/day = 50 + 3·HDD/day → 50, 65, 80 → usage 1500, 1950, 2400.
    const periods: DegreeDayPeriod[] = [0, 150, 300].map((hdd, i) => ({
      days: 30,
      hddByBalance: { 18: hdd },
      cddByBalance: {},
      usage: [1500, 1950, 2400][i],
    }));
    const fit = fitDegreeDayModel(periods, { heating: [18], cooling: [] });
    expect(fit.model).toBe('HEATING');
    expect(fit.intercept).toBeCloseTo(50, 9);
    expect(fit.betaHeating).toBeCloseTo(3, 9);
    expect(fit.n).toBe(3);
  });

  it('chooses HEATING at 18 °C and recovers intercept 50 and beta 3 from 24 months', () => {
    // Truth: usage/day = 50 + 3·HDD18/day + 0·CDD; a perfect fit, so r2 = 1 and cvRmse = 0.
    const periods = periodsFrom(months, (hdd) => 50 + 3 * hdd(18));
    const fit = fitDegreeDayModel(periods, { heating: [15, 16, 17, 18, 19, 20], cooling: [15, 16, 17, 18, 19, 20] });
    expect(fit.model).toBe('HEATING');
    expect(fit.heatingBalanceC).toBe(18);
    expect(fit.coolingBalanceC).toBeNull();
    expect(Math.abs(fit.intercept - 50)).toBeLessThan(1e-6);
    expect(Math.abs(fit.betaHeating - 3)).toBeLessThan(1e-6);
    expect(fit.betaCooling).toBe(0);
    expect(fit.r2).toBeCloseTo(1, 9);
    expect(fit.adjR2).toBeCloseTo(1, 9);
    expect(fit.cvRmse).not.toBeNull();
    expect(fit.cvRmse as number).toBeLessThan(1e-9);
    expect(fit.n).toBe(24);

    // The adjusted baseline for a reporting month: 31 days with 200 HDD(18) →
    // 50·31 + 3·200 = 1,550 + 600 = 2,150.
    expect(predict(fit, { days: 31, hdd: 200, cdd: 0 })).toBeCloseTo(2150, 6);
  });

  it('chooses HEATING_COOLING at 16 / 22 °C', () => {
    // Truth: usage/day = 40 + 2·HDD16/day + 4·CDD22/day.
    const periods = periodsFrom(months, (hdd, cdd) => 40 + 2 * hdd(16) + 4 * cdd(22));
    const fit = fitDegreeDayModel(periods, { heating: [14, 15, 16, 17, 18], cooling: [20, 21, 22, 23, 24] });
    expect(fit.model).toBe('HEATING_COOLING');
    expect(fit.heatingBalanceC).toBe(16);
    expect(fit.coolingBalanceC).toBe(22);
    expect(Math.abs(fit.intercept - 40)).toBeLessThan(1e-6);
    expect(Math.abs(fit.betaHeating - 2)).toBeLessThan(1e-6);
    expect(Math.abs(fit.betaCooling - 4)).toBeLessThan(1e-6);
    expect(fit.cvRmse as number).toBeLessThan(1e-9);
    // 30 days, 90 HDD(16), 60 CDD(22): 40·30 + 2·90 + 4·60 = 1,200 + 180 + 240 = 1,620
    expect(predict(fit, { days: 30, hdd: 90, cdd: 60 })).toBeCloseTo(1620, 6);
  });

  it('rejects a negative heating beta and falls back to the intercept', () => {
    // Truth: usage/day = 100 - 2·HDD18/day. The heating fit at 18 °C is perfect but its beta is
    // -2, so every heating model is rejected; intercept-only is the days-weighted mean of
    // usage/day, i.e. Σ usage / Σ days, with r2 = adjR2 = 0.
    const periods = periodsFrom(months, (hdd) => 100 - 2 * hdd(18));
    const fit = fitDegreeDayModel(periods, { heating: [15, 16, 17, 18, 19, 20], cooling: [] });
    const totalUsage = periods.reduce((s, p) => s + p.usage, 0);
    expect(fit.model).toBe('INTERCEPT_ONLY');
    expect(fit.intercept).toBeCloseTo(totalUsage / 731, 9);
    expect(fit.betaHeating).toBe(0);
    expect(fit.heatingBalanceC).toBeNull();
    expect(fit.r2).toBe(0);
    expect(fit.adjR2).toBeCloseTo(0, 12);

    // With cooling candidates too, whatever wins has no negative beta.
    const withCooling = fitDegreeDayModel(periods, { heating: [15, 16, 17, 18, 19, 20], cooling: [20, 21, 22] });
    expect(withCooling.betaHeating).toBeGreaterThanOrEqual(0);
    expect(withCooling.betaCooling).toBeGreaterThanOrEqual(0);
  });

  it('skips a candidate it cannot estimate and validates its input', () => {
    // At -30 °C there is no HDD at all: the HDD column is zero, XᵀWX singular → skipped.
    const periods = periodsFrom(months, () => 70);
    const fit = fitDegreeDayModel(periods, { heating: [-30], cooling: [] });
    expect(fit.model).toBe('INTERCEPT_ONLY');
    expect(fit.intercept).toBeCloseTo(70, 9);
    expect(fit.r2).toBe(0); // usage per day does not vary

    expect(() => fitDegreeDayModel(periods.slice(0, 1), { heating: [18], cooling: [] })).toThrow(/at least 2 periods/);
    expect(() => fitDegreeDayModel(periods, { heating: [25], cooling: [] })).toThrow(/no HDD at balance 25/);
    expect(() => fitDegreeDayModel([{ ...periods[0], days: 0 }, periods[1]], { heating: [], cooling: [] })).toThrow(/days 0/);
  });
});

describe('savings and coverage', () => {
  it('computes savings and the rate', () => {
    // 2,150 - 1,900 = 250 kgce; 250 / 2,150 = 0.116279...
    const s = savings(2150, 1900);
    expect(s.savingsKgce).toBeCloseTo(250, 12);
    expect(s.savingsRate).toBeCloseTo(0.11627907, 8);
    // consumption rose: 1,000 - 1,100 = -100, rate -0.1
    expect(savings(1000, 1100)).toEqual({ savingsKgce: -100, savingsRate: -0.1 });
    // no baseline: the rate is undefined
    expect(savings(0, 10)).toEqual({ savingsKgce: -10, savingsRate: null });
  });

  it('flags coverage below 90 %', () => {
    expect(MIN_COVERAGE).toBe(0.9);
    expect(periodFlag(0.8999)).toBe('INSUFFICIENT_DATA');
    expect(periodFlag(0.9)).toBe('OK');
    expect(periodFlag(1)).toBe('OK');
    expect(periodFlag(Number.NaN)).toBe('INSUFFICIENT_DATA');
  });
});

describe('settlement money', () => {
  it('values savings to the fen, half up', () => {
    // 12,345.6 kWh × 0.6532 yuan = 8,064.14592 yuan = 806,414.592 fen → 806,415 fen
    expect(valueInFen(12_345.6, '0.6532')).toBe(806_415n);
    expect(formatFen(806_415n)).toBe('8064.15');
    // 1 × 1.005 = 100.5 fen → 101 fen; float (1.005).toFixed(2) would say '1.00'
    expect(formatFen(valueInFen(1, '1.005'))).toBe('1.01');
    expect(formatFen(-5n)).toBe('-0.05');
    expect(formatFen(0n)).toBe('0.00');
  });

  it('splits BENEFIT_SHARING on fen', () => {
    // Savings value 806,415 fen. ESCO 70 %: 806,415 × 0.7 = 564,490.5 fen → 564,491 → '5644.91'
    // (sharing the unrounded 8,064.14592 would give 5,644.902… → '5644.90').
    // Client: 806,415 - 564,491 = 241,924 fen → '2419.24'.
    const s = settle([{ carrier: 'ELECTRICITY', savings: 12_345.6 }], { type: 'BENEFIT_SHARING', escoShare: '0.7', prices: { ELECTRICITY: '0.6532' } });
    expect(s.lines).toEqual([{ carrier: 'ELECTRICITY', savingsValue: '8064.15', shortfallQuantity: null, shortfallValue: null }]);
    expect(s.savingsValue).toBe('8064.15');
    expect(s.escoShareValue).toBe('5644.91');
    expect(s.clientShareValue).toBe('2419.24');
    expect(s.shortfallValue).toBeNull();
  });

  it('sums carrier lines in fen', () => {
    // Electricity 806,415 fen (above). Gas 1,000.5 m³ × 3.45 = 3,451.725 yuan → 345,173 fen.
    // Total 1,151,588 fen. ESCO 0.7 × 1,151,588 = 806,111.6 → 806,112; client 345,476.
    const s = settle(
      [
        { carrier: 'ELECTRICITY', savings: 12_345.6 },
        { carrier: 'NATURAL_GAS', savings: 1_000.5 },
      ],
      { type: 'BENEFIT_SHARING', escoShare: '0.7000', prices: { ELECTRICITY: '0.6532', NATURAL_GAS: '3.45' } },
    );
    expect(s.lines.map((l) => l.savingsValue)).toEqual(['8064.15', '3451.73']);
    expect(s.savingsValue).toBe('11515.88');
    expect(s.escoShareValue).toBe('8061.12');
    expect(s.clientShareValue).toBe('3454.76');
  });

  it('shares nothing when savings are negative', () => {
    // -100 kWh × 0.5 = -50.00 yuan
    const s = settle([{ carrier: 'ELECTRICITY', savings: -100 }], { type: 'BENEFIT_SHARING', escoShare: '0.7', prices: { ELECTRICITY: '0.5' } });
    expect(s.savingsValue).toBe('-50.00');
    expect(s.escoShareValue).toBe('0.00');
    expect(s.clientShareValue).toBe('0.00');
  });

  it('computes the GUARANTEED_SAVINGS shortfall', () => {
    // Guaranteed rate 15 %.
    // Electricity: 0.15 × 100,000 = 15,000 kWh guaranteed, 13,765.5 saved → short 1,234.5 kWh;
    //   × 0.61 = 753.045 yuan = 75,304.5 fen → 75,305 → '753.05' (float toFixed says 753.04).
    //   Savings value 13,765.5 × 0.61 = 8,396.955 → 839,695.5 fen → 839,696 → '8396.96'.
    // Gas: 0.15 × 50,000 = 7,500 m³ guaranteed, 9,000 saved → no shortfall ('0.00');
    //   savings value 9,000 × 3.45 = 31,050.00 (no netting against electricity).
    // Totals: savings 839,696 + 3,105,000 = 3,944,696 fen → '39446.96'; shortfall '753.05'.
    const s = settle(
      [
        { carrier: 'ELECTRICITY', adjustedBaseline: 100_000, savings: 13_765.5 },
        { carrier: 'NATURAL_GAS', adjustedBaseline: 50_000, savings: 9_000 },
      ],
      { type: 'GUARANTEED_SAVINGS', guaranteedRate: '0.15', prices: { ELECTRICITY: '0.61', NATURAL_GAS: '3.45' } },
    );
    expect(s.lines).toEqual([
      { carrier: 'ELECTRICITY', savingsValue: '8396.96', shortfallQuantity: 1234.5, shortfallValue: '753.05' },
      { carrier: 'NATURAL_GAS', savingsValue: '31050.00', shortfallQuantity: 0, shortfallValue: '0.00' },
    ]);
    expect(s.savingsValue).toBe('39446.96');
    expect(s.shortfallValue).toBe('753.05');
    expect(s.escoShareValue).toBeNull();
    expect(s.clientShareValue).toBeNull();
  });

  it('refuses bad money input', () => {
    const prices = { ELECTRICITY: '0.6532' };
    expect(() => settle([{ carrier: 'WATER', savings: 1 }], { type: 'BENEFIT_SHARING', escoShare: '0.7', prices })).toThrow(/no price for carrier WATER/);
    expect(() => settle([{ carrier: 'ELECTRICITY', savings: 1 }], { type: 'BENEFIT_SHARING', escoShare: '1.2', prices })).toThrow(/escoShare: must be between 0 and 1/);
    expect(() => settle([{ carrier: 'ELECTRICITY', savings: 1 }], { type: 'GUARANTEED_SAVINGS', guaranteedRate: '0.15', prices })).toThrow(/needs the adjusted baseline/);
    expect(() => settle([{ carrier: 'ELECTRICITY', savings: 1 }], { type: 'BENEFIT_SHARING', escoShare: '0.7', prices: { ELECTRICITY: '0,68' } })).toThrow(/not a decimal number/);
    expect(() => settle([{ carrier: 'ELECTRICITY', savings: 1 }], { type: 'BENEFIT_SHARING', escoShare: '0.7', prices: { ELECTRICITY: '-0.68' } })).toThrow(/must not be negative/);
    expect(() => valueInFen(Number.POSITIVE_INFINITY, '1')).toThrow(/finite/);
  });
});
