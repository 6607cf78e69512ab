import { toGlobalId } from '../../src/graphql/relay';
import { startTestHub, type TestHub } from '../helpers/hub';

/**
 * `epcContracts { savings settlements balanceYuan }` costs the same SQL statements for 3 contracts
 * as for 15: every M&V read (baselines, events, settlements, series, temperatures, profiles,
 * payments) goes through the request's loaders. Counted, never pinned; the contracts are made here.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

let t: TestHub;
let escoId: string;

beforeAll(async () => {
  // Statements of the computing path: the response cache would answer repeated questions with one.
  t = await startTestHub({ EWC_RESPONSE_CACHE: 'off' });
  const [esco] = await t.sql<{ id: number }>(`INSERT INTO esco (name, name_zh, credit_code) VALUES ('Batching test ESCO', '批量测试公司', '91430500MA4TEST01X') RETURNING id`);
  escoId = toGlobalId('Esco', esco.id);
  // Templates: two operating contracts (frozen baselines, settlements) and one not signed (fitted live).
  const templates = await t.sql<{ id: number }>(
    `(SELECT id FROM epc_contract WHERE status = 'OPERATING' ORDER BY id LIMIT 2) UNION ALL (SELECT id FROM epc_contract WHERE status = 'DRAFT' ORDER BY id LIMIT 1)`,
  );
  expect(templates).toHaveLength(3);
  const columns = async (table: string, skip: string[]) =>
    (await t.sql<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [table]))
      .map((r) => r.c)
      .filter((c) => !skip.includes(c));
  const contractCols = await columns('epc_contract', ['id', 'esco_id', 'title']);
  const transitionCols = await columns('epc_transition', ['id', 'contract_id']);
  const baselineCols = await columns('epc_baseline', ['id', 'contract_id']);
  const list = (cols: string[]) => cols.map((c) => `"${c}"`).join(', ');
  // Fifteen copies, the templates in turn (so the first three hold one of each), each with its steps and frozen baseline: the contracts of one ESCO made for this test.
  for (let i = 0; i < 15; i++) {
    const from = templates[i % templates.length].id;
    const [copy] = await t.sql<{ id: number }>(
      `INSERT INTO epc_contract (${list(contractCols)}, esco_id, title) SELECT ${list(contractCols)}, $2, title || ' (copy ' || $3 || ')' FROM epc_contract WHERE id = $1 RETURNING id`,
      [from, esco.id, i + 1],
    );
    await t.sql(`INSERT INTO epc_transition (${list(transitionCols)}, contract_id) SELECT ${list(transitionCols)}, $2 FROM epc_transition WHERE contract_id = $1 ORDER BY id`, [from, copy.id]);
    await t.sql(`INSERT INTO epc_baseline (${list(baselineCols)}, contract_id) SELECT ${list(baselineCols)}, $2 FROM epc_baseline WHERE contract_id = $1 ORDER BY version`, [from, copy.id]);
  }
});
afterAll(() => t?.close());

const LIST = `query($first: Int!, $esco: ID!) { epcContracts(first: $first, filter: { escoId: $esco }) { nodes { id status
  savings(period: { year: 2023 }) { method kgce lowKgce highKgce fsu flagged complete baselineVersion }
  settlements(asOf: "2024-06-30") { periodStart periodEnd frozenAt pendingDifferenceKgce escoShareYuan savings { kgce } }
  balanceYuan(asOf: "2024-06-30") } } }`;

const ALONE = `query($id: ID!) { node(id: $id) { ... on EpcContract { savings(period: { year: 2023 }) { method kgce lowKgce highKgce fsu flagged complete baselineVersion }
  settlements(asOf: "2024-06-30") { periodStart periodEnd frozenAt pendingDifferenceKgce escoShareYuan savings { kgce } }
  balanceYuan(asOf: "2024-06-30") } } }`;

const run = async (first: number) => {
  const r = (await t.raw({ query: LIST, variables: { first, esco: escoId } }, t.keys.finance)) as Json;
  expect(r.errors).toBeUndefined();
  return r.data.epcContracts.nodes as Json[];
};
const statementsOf = (first: number) => t.countStatements(async () => void (await run(first)));

describe('M&V of a list of contracts: the same statements at N as at 5N', () => {
  it('epcContracts { savings settlements balanceYuan }: 3 contracts and 15', async () => {
    // Warm: the reference tables are read once per version, not per request.
    await run(1);
    const all = await run(15);
    expect(all).toHaveLength(15);
    expect(all.some((c) => c.status === 'OPERATING' && c.settlements.length > 0)).toBe(true);
    expect(all.some((c) => c.status === 'DRAFT' && c.savings.baselineVersion === null)).toBe(true);
    // The first three hold every kind of contract the fifteen hold (operating with a frozen baseline, a draft fitted live).
    expect(new Set(all.slice(0, 3).map((c) => c.status))).toEqual(new Set(all.map((c) => c.status)));
    const few = await statementsOf(3);
    const many = await statementsOf(15);
    expect(many).toBe(few);
  });

  it('gives each contract in the list the figures it has when asked alone', async () => {
    const all = await run(15);
    for (const c of all.slice(0, 6)) {
      const alone = (await t.raw({ query: ALONE, variables: { id: c.id } }, t.keys.finance)) as Json;
      expect(alone.errors).toBeUndefined();
      expect(alone.data.node).toEqual({ savings: c.savings, settlements: c.settlements, balanceYuan: c.balanceYuan });
    }
  });
});
