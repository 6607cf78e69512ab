import { ApiKeysDocument, CreateApiKeyDocument, RevokeApiKeyDocument, ViewerDocument } from '../../src/generated/graphql';
import { institutionId } from '../helpers/fixtures';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

describe('Query.viewer', () => {
  it.each([
    ['goa', 'GOA', 'admin'],
    ['drc', 'DRC', 'editor'],
    ['water', 'WATER', 'editor'],
    ['public', 'PUBLIC', 'viewer'],
  ] as const)('tells the %s key who it is', async (who, subject, role) => {
    const r = await t.gql(ViewerDocument, {}, t.keys[who]);
    expect(r.data!.viewer).toMatchObject({ subject, role, agency: { code: subject }, institution: null });
  });

  it('tells an institution key its institution', async () => {
    const r = await t.gql(ViewerDocument, {}, t.keys.hospital);
    expect(r.data!.viewer).toMatchObject({ subject: 'INSTITUTION', role: 'editor', agency: null, institution: { name: "Longhui County People's Hospital" } });
  });
});

describe('authentication', () => {
  it('answers 401 UNAUTHENTICATED, and nothing else, without a key or with a bad one', async () => {
    for (const key of [null, 'not-a-key', 'ewc_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb']) {
      const r = await t.gql(ViewerDocument, {}, key);
      expect(r.status).toBe(401);
      expect(codeOf(r)).toBe('UNAUTHENTICATED');
      expect(r.data ?? null).toBeNull();
    }
  });
});

describe('API keys through GraphQL', () => {
  it('a GOA admin creates a key that works at once, shown once and stored only as a hash', async () => {
    const r = await t.gql(CreateApiKeyDocument, { input: { agency: 'WATER', role: 'viewer', name: 'water dashboard' } }, t.keys.goa);
    expect(r.errors).toBeUndefined();
    const { key, apiKey } = r.data!.createApiKey;
    expect(key).toMatch(/^ewc_[0-9a-f]{12}_/);
    expect(apiKey).toMatchObject({ name: 'water dashboard', role: 'viewer', prefix: key.split('_')[1] });
    const stored = await t.sql<{ hash: string }>('SELECT hash FROM api_key WHERE prefix = $1', [apiKey.prefix]);
    expect(stored[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await t.sql('SELECT * FROM api_key'))).not.toContain(key);
    const me = await t.gql(ViewerDocument, {}, key);
    expect(me.data!.viewer).toMatchObject({ subject: 'WATER', role: 'viewer', keyName: 'water dashboard' });
  });

  it('creates institution keys scoped to that institution', async () => {
    const id = await institutionId(t, '邵阳市第一中学');
    const r = await t.gql(CreateApiKeyDocument, { input: { institutionId: id, role: 'editor' } }, t.keys.goa);
    const me = await t.gql(ViewerDocument, {}, r.data!.createApiKey.key);
    expect(me.data!.viewer).toMatchObject({ subject: 'INSTITUTION', institution: { id } });
  });

  it('revokes a key: it is UNAUTHENTICATED from then on, and a second revoke is a CONFLICT', async () => {
    const created = await t.gql(CreateApiKeyDocument, { input: { agency: 'HOUSING', role: 'editor' } }, t.keys.goa);
    const { key, apiKey } = created.data!.createApiKey;
    const revoked = await t.gql(RevokeApiKeyDocument, { id: apiKey.id }, t.keys.goa);
    expect(revoked.data!.revokeApiKey.revokedAt).not.toBeNull();
    expect(codeOf(await t.gql(ViewerDocument, {}, key))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(RevokeApiKeyDocument, { id: apiKey.id }, t.keys.goa))).toBe('CONFLICT');
  });

  it('rejects bad input, naming the field, and writes nothing', async () => {
    const [{ n: before }] = await t.sql<{ n: string }>('SELECT count(*) AS n FROM api_key');
    const both = await t.gql(CreateApiKeyDocument, { input: { agency: 'DRC', institutionId: await institutionId(t, '邵阳市第一中学'), role: 'viewer' } }, t.keys.goa);
    expect(codeOf(both)).toBe('BAD_USER_INPUT');
    expect(both.errors![0].message).toMatch(/owner: give exactly one of agency, institution or ESCO/);
    const unknown = await t.gql(CreateApiKeyDocument, { input: { agency: 'NASA', role: 'viewer' } }, t.keys.goa);
    expect(codeOf(unknown)).toBe('NOT_FOUND');
    const badRole = await t.raw({ query: 'mutation { createApiKey(input: { agency: "DRC", role: superuser }) { key } }' }, t.keys.goa);
    expect(codeOf(badRole)).toBe('BAD_USER_INPUT');
    const [{ n: after }] = await t.sql<{ n: string }>('SELECT count(*) AS n FROM api_key');
    expect(after).toBe(before);
  });

  it('is for GOA admins only', async () => {
    for (const who of ['drc', 'finance', 'water', 'housing', 'hospital', 'public'] as const) {
      expect(codeOf(await t.gql(CreateApiKeyDocument, { input: { agency: 'DRC', role: 'admin' } }, t.keys[who]))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(ApiKeysDocument, { first: 5 }, t.keys[who]))).toBe('FORBIDDEN');
    }
    const goaEditor = await t.gql(CreateApiKeyDocument, { input: { agency: 'GOA', role: 'editor' } }, t.keys.goa);
    expect(codeOf(await t.gql(ApiKeysDocument, { first: 5 }, goaEditor.data!.createApiKey.key))).toBe('FORBIDDEN');
    const list = await t.gql(ApiKeysDocument, { first: 100 }, t.keys.goa);
    expect(list.data!.apiKeys.totalCount).toBeGreaterThanOrEqual(7);
  });
});
