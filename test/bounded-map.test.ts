import { BoundedMap } from '../src/bounded-map';

describe('BoundedMap', () => {
  it('computes once per key and drops the least recently used beyond its size', () => {
    const m = new BoundedMap<string, number>(2);
    const made: string[] = [];
    const get = (k: string) => m.getOrCompute(k, () => (made.push(k), k.length));
    expect(get('a')).toBe(1);
    expect(get('bb')).toBe(2);
    expect(get('a')).toBe(1); // a hit: 'bb' is now the least recently used
    expect(get('ccc')).toBe(3); // drops 'bb'
    expect(m.size).toBe(2);
    get('a');
    get('bb');
    expect(made).toEqual(['a', 'bb', 'ccc', 'bb']);
  });

  it('keeps null values and keeps nothing when the computation throws', () => {
    const m = new BoundedMap<string, number | null>(4);
    let calls = 0;
    expect(m.getOrCompute('x', () => (calls++, null))).toBeNull();
    expect(m.getOrCompute('x', () => (calls++, 1))).toBeNull();
    expect(calls).toBe(1);
    expect(() => m.getOrCompute('y', () => { throw new Error('no'); })).toThrow('no');
    expect(m.size).toBe(1);
  });
});
