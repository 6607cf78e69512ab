/**
 * Aggregates for a key limited to them (PUBLIC) are safe against differencing: the test asks for
 * every group PUBLIC can ask for (city, region and category groupings under every region and
 * category filter), then tries to recover single institutions (and pairs) from the published
 * groups by subtraction, and by any linear combination of them.
 */
import { planFor, MIN_GROUP } from '../../src/modules/accounting/disclosure';
import type { InstitutionInfo } from '../../src/modules/accounting/figures';
import { toGlobalId } from '../../src/graphql/relay';
import { codeOf, startTestHub, type GqlResult, type TestHub } from '../helpers/hub';

const P = 2_147_483_647n;

/** Row-reduces 0/1 vectors mod a large prime; `inSpan` says whether a vector is a combination of them. */
class Span {
  private rows: { pivot: number; v: bigint[] }[] = [];
  add(v: bigint[]): void {
    const r = this.reduce(v);
    const pivot = r.findIndex((x) => x !== 0n);
    if (pivot < 0) return;
    const inv = modPow(r[pivot], P - 2n);
    this.rows.push({ pivot, v: r.map((x) => (x * inv) % P) });
  }
  reduce(v: bigint[]): bigint[] {
    const r = [...v];
    for (const { pivot, v: row } of this.rows) {
      if (r[pivot] === 0n) continue;
      const f = r[pivot];
      for (let i = 0; i < r.length; i++) r[i] = (((r[i] - f * row[i]) % P) + P) % P;
    }
    return r;
  }
  inSpan(v: bigint[]): boolean {
    return this.reduce(v).every((x) => x === 0n);
  }
}

function modPow(b: bigint, e: bigint): bigint {
  let r = 1n;
  b %= P;
  for (; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P;
  return r;
}

describe('the disclosure plan (pure)', () => {
  // A city (1) with two counties (2, 3): the shape of the attack on the demo hospitals.
  const regions = [{ id: 1, parent_id: null }, { id: 2, parent_id: 1 }, { id: 3, parent_id: 1 }];
  const inst = (id: number, regionId: number, category: string): InstitutionInfo => ({ id, regionId, category, inMunicipalAppraisal: false });
  const institutions = [
    ...Array.from({ length: 10 }, (_, i) => inst(i + 1, 1, 'GOVERNMENT_OFFICE')),
    inst(11, 1, 'HOSPITAL'), // the one hospital in the city proper
    inst(12, 2, 'HOSPITAL'), inst(13, 2, 'HOSPITAL'), inst(14, 3, 'HOSPITAL'),
    inst(15, 1, 'SCHOOL'), inst(16, 1, 'SCHOOL'), inst(17, 1, 'SCHOOL'), inst(18, 2, 'SCHOOL'),
  ];

  it('leaves every atom of the published sets with at least three institutions, and keeps the city', () => {
    const plan = planFor(institutions, regions);
    const published = [...plan.published].filter(Boolean).map((k) => new Set(k.split(',').map(Number)));
    expect(published.some((s) => s.size === institutions.length)).toBe(true);
    const atoms = new Map<string, number>();
    for (const i of institutions) {
      const sig = published.map((s) => (s.has(i.id) ? 1 : 0)).join('');
      atoms.set(sig, (atoms.get(sig) ?? 0) + 1);
    }
    expect(Math.min(...atoms.values())).toBeGreaterThanOrEqual(MIN_GROUP);
    // Some groups are withdrawn: with all of them the city's hospital would be the city proper minus its offices and schools.
    expect(plan.withdrawn).toBeGreaterThan(0);
  });

  it('publishes nothing but the empty group when there are fewer than three institutions', () => {
    expect([...planFor(institutions.slice(0, 2), regions).published]).toEqual(['']);
  });
});

describe('aggregates for PUBLIC on the real hub', () => {
  let t: TestHub;
  let ids: number[];
  const figures = ['energyKgce', 'waterM3', 'headcount', 'floorAreaM2'] as const;
  type Group = { members: number[]; suppressed: boolean; institutionCount: number } & Record<(typeof figures)[number], number | null>;

  beforeAll(async () => {
    t = await startTestHub();
    ids = (await t.sql<{ id: number }>('SELECT id FROM institution ORDER BY id')).map((r) => r.id);
  }, 60_000);
  afterAll(() => t?.close());

  /** Every group PUBLIC can ask for in a period, with its members (from the registry) and its answer. */
  async function allGroups(period: string): Promise<Group[]> {
    const inst = await t.sql<{ id: number; region_id: number; category: string }>('SELECT id, region_id, category FROM institution');
    const regions = await t.sql<{ id: number; parent_id: number | null }>('SELECT id, parent_id FROM region');
    const subtree = (root: number): Set<number> => {
      const out = new Set([root]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const r of regions) if (r.parent_id !== null && out.has(r.parent_id) && !out.has(r.id)) (out.add(r.id), (grew = true));
      }
      return out;
    };
    const used = regions.filter((r) => inst.some((i) => subtree(r.id).has(i.region_id)));
    const categories = [...new Set(inst.map((i) => i.category))];
    const filters: { regionId?: number; category?: string }[] = [{}];
    for (const r of used) filters.push({ regionId: r.id });
    for (const c of categories) filters.push({ category: c }, ...used.map((r) => ({ regionId: r.id, category: c })));
    const groups: Group[] = [];
    for (const groupBy of ['CITY', 'REGION', 'CATEGORY']) {
      for (const f of filters) {
        const filter = [f.regionId ? `regionId: "${toGlobalId('Region', f.regionId)}"` : '', f.category ? `category: ${f.category}` : ''].filter(Boolean).join(', ');
        const query = `{ aggregateIndicators(period: ${period}, groupBy: ${groupBy}${filter ? `, filter: { ${filter} }` : ''}) { region { id } category institutionCount suppressed ${figures.join(' ')} } }`;
        const r = (await t.raw({ query }, t.keys.public)) as GqlResult<{ aggregateIndicators: (Group & { region: { id: string } | null; category: string | null })[] }>;
        expect(r.errors).toBeUndefined();
        for (const g of r.data!.aggregateIndicators) {
          const within = f.regionId ? subtree(f.regionId) : null;
          const members = inst.filter(
            (i) =>
              (!within || within.has(i.region_id)) &&
              (!f.category || i.category === f.category) &&
              (groupBy !== 'REGION' || toGlobalId('Region', i.region_id) === g.region?.id) &&
              (groupBy !== 'CATEGORY' || i.category === g.category),
          );
          expect(members.length).toBe(g.institutionCount);
          groups.push({ ...g, members: members.map((m) => m.id) });
        }
      }
    }
    return groups;
  }

  it.each(['{ year: 2023 }', '{ year: 2024, through: "2024-09-30" }'])('cannot recover one institution (or two) from published groups in %s', async (period) => {
    const groups = await allGroups(period);
    const published = groups.filter((g) => !g.suppressed && g.members.length > 0);
    // Not safe by emptiness: the city and most groups are published, with figures.
    expect(published.find((g) => g.members.length === ids.length)?.energyKgce).toBeGreaterThan(0);
    expect(published.length).toBeGreaterThan(groups.length / 4);
    for (const g of groups.filter((x) => x.suppressed)) for (const f of figures) expect(g[f]).toBeNull();
    for (const g of published) expect(g.members.length).toBeGreaterThanOrEqual(MIN_GROUP);

    // Subtraction of one published group from another that contains it (complements, filter against no filter).
    const sets = published.map((g) => new Set(g.members));
    for (const a of sets) for (const b of sets) if (b.size < a.size && [...b].every((x) => a.has(x))) expect(a.size - b.size).toBeGreaterThanOrEqual(MIN_GROUP);

    // Any linear combination: no single institution and no pair is in the span of the published groups.
    const pos = new Map(ids.map((id, n) => [id, n]));
    const span = new Span();
    for (const g of published) {
      const v = ids.map(() => 0n);
      g.members.forEach((m) => (v[pos.get(m)!] = 1n));
      span.add(v);
    }
    const unit = (...members: number[]) => ids.map((_, n) => (members.includes(n) ? 1n : 0n));
    const recovered: string[] = [];
    for (let a = 0; a < ids.length; a++) {
      if (span.inSpan(unit(a))) recovered.push(`institution ${ids[a]}`);
      for (let b = a + 1; b < ids.length; b++) if (span.inSpan(unit(a, b))) recovered.push(`pair ${ids[a]}+${ids[b]}`);
    }
    expect(recovered).toEqual([]);

    // And the figures themselves: the published city minus the published categories' sum is what the suppressed categories hold together.
    const city = published.find((g) => g.members.length === ids.length)!;
    const goa = (await t.raw({ query: `{ aggregateIndicators(period: ${period}, groupBy: CITY) { energyKgce } }` }, t.keys.goa)) as GqlResult<{ aggregateIndicators: { energyKgce: number }[] }>;
    expect(city.energyKgce).toBeCloseTo(goa.data!.aggregateIndicators[0].energyKgce, 3);
  }, 300_000);

  it('refuses filters PUBLIC may not use: appraisal membership, and one institution in the PV programme', async () => {
    const appraisal = await t.raw({ query: '{ aggregateIndicators(period: { year: 2023 }, groupBy: CITY, filter: { inMunicipalAppraisal: true }) { energyKgce } }' }, t.keys.public);
    expect(codeOf(appraisal)).toBe('FORBIDDEN');
    const hospital = (await t.sql<{ id: number }>(`SELECT id FROM institution WHERE name_zh = '隆回县人民医院'`))[0].id;
    const pv = await t.raw({ query: `{ pvProgramme(asOf: "2024-06-30", filter: { institutionId: "${toGlobalId('Institution', hospital)}" }) { capacityKw } }` }, t.keys.public);
    expect(codeOf(pv)).toBe('FORBIDDEN');
    // An agency still filters by institution.
    const goa = (await t.raw({ query: `{ pvProgramme(asOf: "2024-06-30", filter: { institutionId: "${toGlobalId('Institution', hospital)}" }) { capacityKw } }` }, t.keys.goa)) as GqlResult<{ pvProgramme: { capacityKw: number } }>;
    expect(goa.data!.pvProgramme.capacityKw).toBeGreaterThan(0);
  });

  it('gives the PV programme’s investment only to keys that may read money', async () => {
    const query = '{ pvProgramme(asOf: "2024-06-30") { capacityKw investmentYuan } }';
    for (const key of [t.keys.public, t.keys.housing]) {
      const r = (await t.raw({ query }, key)) as GqlResult<{ pvProgramme: { capacityKw: number; investmentYuan: string | null } }>;
      expect(codeOf(r)).toBe('FORBIDDEN');
      expect(r.errors![0].path).toEqual(['pvProgramme', 'investmentYuan']);
      expect(r.data!.pvProgramme.investmentYuan).toBeNull();
      expect(r.data!.pvProgramme.capacityKw).toBeGreaterThan(0);
    }
    const finance = (await t.raw({ query }, t.keys.finance)) as GqlResult<{ pvProgramme: { investmentYuan: string } }>;
    expect(finance.errors).toBeUndefined();
    expect(finance.data!.pvProgramme.investmentYuan).toMatch(/^\d+\.\d{2}$/);
  });

  it('publishes a PV status group to PUBLIC only when it and the rest each span three institutions', async () => {
    const asOf = '2023-08-31';
    const spans = async (status: string) =>
      Number((await t.sql<{ n: string }>(
        `SELECT count(DISTINCT institution_id) AS n FROM pv_project WHERE started_on <= $1
           AND (CASE WHEN decommissioned_on <= $1 THEN 'DECOMMISSIONED' WHEN commissioned_on <= $1 THEN 'OPERATING' ELSE 'UNDER_CONSTRUCTION' END) = $2`,
        [asOf, status],
      ))[0].n);
    const q = (status: string) => t.raw({ query: `{ pvProgramme(asOf: "${asOf}", filter: { status: ${status} }) { suppressed projectCount capacityKw } }` }, t.keys.public) as Promise<GqlResult<{ pvProgramme: { suppressed: boolean; projectCount: number; capacityKw: number | null } }>>;
    const whole = (await t.raw({ query: `{ pvProgramme(asOf: "${asOf}") { suppressed capacityKw } }` }, t.keys.public)) as GqlResult<{ pvProgramme: { suppressed: boolean; capacityKw: number } }>;
    const [op, uc] = [await q('OPERATING'), await q('UNDER_CONSTRUCTION')];
    const safe = (await spans('OPERATING')) >= MIN_GROUP && (await spans('UNDER_CONSTRUCTION')) >= MIN_GROUP;
    expect(op.data!.pvProgramme.suppressed).toBe(!safe);
    expect(uc.data!.pvProgramme.suppressed).toBe(!safe);
    if (safe) expect(op.data!.pvProgramme.capacityKw! + uc.data!.pvProgramme.capacityKw!).toBeCloseTo(whole.data!.pvProgramme.capacityKw, 3);
    else expect(op.data!.pvProgramme.capacityKw).toBeNull();
    // A crafted programme with a single project under construction: that group and its complement are withheld.
    await t.sql(`UPDATE pv_project SET commissioned_on = started_on WHERE commissioned_on IS NULL OR commissioned_on > $1`, [asOf]);
    const one = (await t.sql<{ id: number }>(`SELECT id FROM pv_project ORDER BY id LIMIT 1`))[0].id;
    await t.sql(`UPDATE pv_project SET commissioned_on = NULL, started_on = '2023-01-01' WHERE id = $1`, [one]);
    for (const r of [await q('OPERATING'), await q('UNDER_CONSTRUCTION')]) {
      expect(r.data!.pvProgramme.suppressed).toBe(true);
      expect(r.data!.pvProgramme.capacityKw).toBeNull();
    }
    const after = (await t.raw({ query: `{ pvProgramme(asOf: "${asOf}") { suppressed capacityKw } }` }, t.keys.public)) as GqlResult<{ pvProgramme: { suppressed: boolean; capacityKw: number } }>;
    expect(after.data!.pvProgramme.suppressed).toBe(false);
    expect(after.data!.pvProgramme.capacityKw).toBeGreaterThan(0);
  });
});
