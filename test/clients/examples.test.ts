import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createClient, firstPages as apolloPages } from '../../examples/apollo-client/institutions';
import { createEnvironment, firstPages as relayPages } from '../../examples/relay/institutions';
import { startTestHub, type TestHub } from '../helpers/hub';

/**
 * README's "Build a client": the Apollo Client and Relay examples of examples/ run against a real hub, page the
 * institutions connection twice, and get what the hub's own first ten institutions are.
 */
const root = join(__dirname, '..', '..');
let t: TestHub;
let firstTen: string[];

beforeAll(async () => {
  t = await startTestHub();
  const r = await t.raw({ query: '{ institutions(first: 10) { nodes { id } } }' }, t.keys.goa);
  firstTen = (r.data as { institutions: { nodes: Array<{ id: string }> } }).institutions.nodes.map((n) => n.id);
  expect(firstTen).toHaveLength(10);
});
afterAll(() => t?.close());

it('Apollo Client 4 with relayStylePagination: two pages of five merged into one list of ten in the cache', async () => {
  const list = await apolloPages(createClient(t.hub.url, t.keys.goa), 5, 2);
  expect(list.edges.map((e) => e.node.id)).toEqual(firstTen);
  expect(list.totalCount).toBeGreaterThan(10);
  expect(list.pageInfo.hasNextPage).toBe(true);
});

it('Relay: the compiled pagination query appends the second page to the connection in the store', async () => {
  const list = await relayPages(createEnvironment(t.hub.url, t.keys.goa), 5, 2);
  expect((list.edges ?? []).map((e) => e?.node?.id)).toEqual(firstTen);
  expect(list.totalCount).toBeGreaterThan(10);
});

it('a client with a bad key gets UNAUTHENTICATED, not data', async () => {
  await expect(apolloPages(createClient(t.hub.url, 'ewc_000000000000_not-a-key'), 5, 1)).rejects.toThrow(/401|UNAUTHENTICATED|key/i);
});

it("the Relay example's generated artifacts match its operations and the committed schema", () => {
  const r = spawnSync(join(root, 'node_modules', '.bin', 'relay-compiler'), ['--validate'], { cwd: join(root, 'examples', 'relay'), encoding: 'utf8', timeout: 120_000 });
  expect({ status: r.status, output: r.status === 0 ? '' : `${r.stdout}${r.stderr}` }).toEqual({ status: 0, output: '' });
}, 150_000);
