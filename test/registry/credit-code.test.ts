import {
  CREDIT_CODE_ALPHABET,
  creditCodeCheckChar,
  creditCodeProblem,
  makeCreditCode,
  orgCodeCheckChar,
} from '../../src/modules/registry/credit-code';

// Character values (index in the 31-char alphabet): 0-9 as digits, A=10 ... H=17, J=18, K=19, L=20, M=21,
// N=22, P=23, Q=24, R=25, T=26, U=27, W=28, X=29, Y=30.
// Weights: [1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28].

describe('creditCodeProblem', () => {
  it('accepts the widely cited example 91350100M000100Y43', () => {
    // 9*1 + 1*3 + 3*9 + 5*27 + 0*19 + 1*26 + 0*16 + 0*17 + M(21)*20 + 0*29 + 0*25 + 0*13 + 1*8 + 0*24 + 0*10
    //   + Y(30)*30 + 4*28 = 9+3+27+135+26+420+8+900+112 = 1640; 1640 mod 31 = 28; 31-28 = 3 -> '3'.
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeProblem('91350100M000100Y43')).toBeNull();
  });

  it('accepts a real company code 91440300708461136T (Shenzhen, division 440300)', () => {
    // 9*1 + 1*3 + 4*9 + 4*27 + 0*19 + 3*26 + 0*16 + 0*17 + 7*20 + 0*29 + 8*25 + 4*13 + 6*8 + 1*24 + 1*10
    //   + 3*30 + 6*28 = 9+3+36+108+78+140+200+52+48+24+10+90+168 = 966; 966 mod 31 = 5; 31-5 = 26 -> 'T'.
    expect(creditCodeCheckChar('91440300708461136')).toBe('T');
    expect(creditCodeProblem('91440300708461136T')).toBeNull();
  });

  it('accepts a real code whose check character is a digit: 914403001922038216', () => {
    // 9*1 + 1*3 + 4*9 + 4*27 + 3*26 + 1*20 + 9*29 + 2*25 + 2*13 + 3*24 + 8*10 + 2*30 + 1*28
    //   = 9+3+36+108+78+20+261+50+26+72+80+60+28 = 831; 831 mod 31 = 25; 31-25 = 6 -> '6'.
    expect(creditCodeProblem('914403001922038216')).toBeNull();
  });

  it('rejects a wrong check character and names the right one', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toBe('check character should be 3, not 4');
    expect(creditCodeProblem('91440300708461136U')).toMatch(/check character should be T/);
  });

  it('rejects a bad length', () => {
    expect(creditCodeProblem('')).toMatch(/wrong length/);
    expect(creditCodeProblem('91350100M000100Y4')).toMatch(/wrong length.*got 17/);
    expect(creditCodeProblem('91350100M000100Y430')).toMatch(/wrong length.*got 19/);
  });

  it('rejects forbidden letters such as I, O and lowercase', () => {
    expect(creditCodeProblem('91350100I000100Y43')).toBe("character 'I' not allowed at position 9");
    expect(creditCodeProblem('9135O100M000100Y43')).toBe("character 'O' not allowed at position 5");
    expect(creditCodeProblem('91350100m000100Y43')).toMatch(/position 9/);
  });

  it('does not reject on the GB 11714 check character at position 17', () => {
    // 11430500 + body 00000000 + wrong org check '5' (correct would be '0'), then a valid GB 32100 check.
    const first17 = '11430500' + '00000000' + '5';
    expect(orgCodeCheckChar('00000000')).toBe('0');
    expect(creditCodeProblem(first17 + creditCodeCheckChar(first17))).toBeNull();
  });
});

describe('orgCodeCheckChar (GB 11714)', () => {
  it('matches the organisation codes embedded in real credit codes', () => {
    // M000100Y: M=22*3 + 1*5 + Y=34*2 = 139; 139 mod 11 = 7; 11-7 = 4.
    expect(orgCodeCheckChar('M000100Y')).toBe('4');
    expect(orgCodeCheckChar('70846113')).toBe('6');
    expect(orgCodeCheckChar('19220382')).toBe('1');
  });
});

describe('makeCreditCode', () => {
  it('produces valid, unique codes for 200 serials', () => {
    const seen = new Set<string>();
    for (let serial = 0; serial < 200; serial++) {
      for (const prefix of ['11', '12']) {
        const code = makeCreditCode(prefix, '430500', serial);
        expect(creditCodeProblem(code)).toBeNull();
        expect(code.startsWith(prefix + '430500')).toBe(true);
        expect(orgCodeCheckChar(code.slice(8, 16))).toBe(code.charAt(16));
        expect([...code].every((ch) => CREDIT_CODE_ALPHABET.includes(ch))).toBe(true);
        seen.add(code);
      }
    }
    expect(seen.size).toBe(400);
  });

  it('is deterministic', () => {
    expect(makeCreditCode('12', '430524', 7)).toBe(makeCreditCode('12', '430524', 7));
  });

  it('rejects bad inputs', () => {
    expect(() => makeCreditCode('1I', '430500', 1)).toThrow(RangeError);
    expect(() => makeCreditCode('11', '4305', 1)).toThrow(RangeError);
    expect(() => makeCreditCode('11', '430500', -1)).toThrow(RangeError);
    expect(() => makeCreditCode('11', '430500', 1.5)).toThrow(RangeError);
  });
});
