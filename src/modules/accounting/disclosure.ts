/**
 * Which groups of institutions a subject limited to aggregates (PUBLIC) may see figures of, safe
 * against differencing. The argument (README, "Aggregates and differencing"):
 *
 * Every group such a subject can ask for is a set of the fixed lattice below (a region subtree or
 * one region's own institutions, crossed with a category or not). The decision is taken once for the
 * whole lattice, never per query, so answers to different queries agree. Take the sets that are
 * published; two institutions that belong to exactly the same published sets are indistinguishable
 * (one "atom"). Every published figure is a function of the atoms' sums (a sum, or a ratio of sums,
 * over a union of atoms), so no combination of answers, by subtraction or otherwise, says more than
 * the sums of whole atoms. Sets are therefore withdrawn (suppressed) until every atom has at least
 * MIN_GROUP institutions: then every group derivable from published groups covers at least that many.
 */
import { InstitutionCategory } from '../registry/registry.enums';
import type { InstitutionInfo } from './figures';

export const MIN_GROUP = 3;

export interface RegionNode {
  id: number;
  parent_id: number | null;
}

/** A set of institutions as the aggregate queries name it: a region part and a category part. */
export interface GroupSpec {
  /** `*` every region; `s:<id>` the region and everything below it (a filter); `e:<id>` the region's own institutions (a REGION bucket). */
  region: string;
  /** `*` or a category. */
  category: string;
}

export interface DisclosurePlan {
  /** Sorted member ids (joined by commas) of every published set; the empty set is always published. */
  published: Set<string>;
  /** How many lattice sets were withdrawn to protect small atoms (for the README figures and tests). */
  withdrawn: number;
}

const plans = new WeakMap<object, DisclosurePlan>();

export function setKey(ids: Iterable<number>): string {
  return [...ids].sort((a, b) => a - b).join(',');
}

/** Members of a lattice set. */
export function membersOf(spec: GroupSpec, institutions: InstitutionInfo[], subtree: (regionId: number) => Set<number>): InstitutionInfo[] {
  let list = institutions;
  if (spec.region.startsWith('s:')) {
    const within = subtree(Number(spec.region.slice(2)));
    list = list.filter((i) => within.has(i.regionId));
  } else if (spec.region.startsWith('e:')) {
    const id = Number(spec.region.slice(2));
    list = list.filter((i) => i.regionId === id);
  }
  return spec.category === '*' ? list : list.filter((i) => i.category === spec.category);
}

/** The plan for these institutions and regions, computed once per reference snapshot (`cacheKey`). */
export function disclosurePlan(cacheKey: object, institutions: InstitutionInfo[], regions: RegionNode[]): DisclosurePlan {
  const cached = plans.get(cacheKey);
  if (cached) return cached;
  const plan = planFor(institutions, regions);
  plans.set(cacheKey, plan);
  return plan;
}

export function subtreeOf(regions: RegionNode[]): (regionId: number) => Set<number> {
  const children = new Map<number, number[]>();
  for (const r of regions) if (r.parent_id !== null) children.set(r.parent_id, [...(children.get(r.parent_id) ?? []), r.id]);
  const memo = new Map<number, Set<number>>();
  return (root) => {
    const hit = memo.get(root);
    if (hit) return hit;
    const out = new Set<number>();
    const walk = (id: number) => {
      out.add(id);
      (children.get(id) ?? []).forEach(walk);
    };
    walk(root);
    memo.set(root, out);
    return out;
  };
}

export function planFor(institutions: InstitutionInfo[], regions: RegionNode[]): DisclosurePlan {
  const subtree = subtreeOf(regions);
  const regionParts = ['*', ...regions.flatMap((r) => [`s:${r.id}`, `e:${r.id}`])];
  const categoryParts = ['*', ...Object.values(InstitutionCategory)];
  // Distinct non-empty member sets of the lattice, as bitsets over the institutions' positions.
  const index = new Map(institutions.map((i, n) => [i.id, n]));
  const sets = new Map<string, number[]>();
  for (const region of regionParts)
    for (const category of categoryParts) {
      const members = membersOf({ region, category }, institutions, subtree);
      if (members.length) sets.set(setKey(members.map((m) => m.id)), members.map((m) => index.get(m.id)!));
    }
  const all = setKey(institutions.map((i) => i.id));
  const published = new Set<string>([...sets.keys()].filter((k) => sets.get(k)!.length >= MIN_GROUP));
  const lattice = sets.size;
  if (institutions.length < MIN_GROUP) return { published: new Set(['']), withdrawn: lattice };

  /** Total size of atoms smaller than MIN_GROUP when only `keys` are published. */
  const exposure = (keys: string[]): number => {
    const signature = institutions.map(() => '');
    keys.forEach((k, bit) => sets.get(k)!.forEach((n) => (signature[n] += `${bit},`)));
    const sizes = new Map<string, number>();
    for (const s of signature) sizes.set(s, (sizes.get(s) ?? 0) + 1);
    let small = 0;
    for (const n of sizes.values()) if (n < MIN_GROUP) small += n;
    return small;
  };

  // Withdraw sets greedily until every atom has MIN_GROUP members; the whole city stays unless it alone is too small.
  for (;;) {
    const keys = [...published].sort();
    if (exposure(keys) === 0) break;
    let best: { key: string; exposure: number; size: number } | null = null;
    for (const key of keys) {
      if (key === all) continue;
      const e = exposure(keys.filter((k) => k !== key));
      const size = sets.get(key)!.length;
      if (!best || e < best.exposure || (e === best.exposure && size < best.size)) best = { key, exposure: e, size };
    }
    if (!best) break;
    published.delete(best.key);
  }
  published.add('');
  return { published, withdrawn: lattice - (published.size - 1) };
}
