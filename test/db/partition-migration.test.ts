import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { migratorOf } from '../../src/db/database';
import { ormConfig } from '../../src/db/orm.config';
import { ENTITIES } from '../../src/app/entities';

/**
 * A hub that already holds readings (and a corrected one) before the "partitions" migration keeps
 * every row, id and revision after it: the upgrade path of a running installation.
 */
describe('migration "partitions" on a database with readings', () => {
  const name = `ewc_upgrade_${randomBytes(4).toString('hex')}`;
  const adminUrl = process.env.EWC_TEST_ADMIN_URL!;
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  let orm: MikroORM;
  let sql: pg.Client;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    orm = await MikroORM.init(ormConfig(url, ENTITIES, { debug: false }));
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await orm.close(true);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('moves readings into monthly partitions with their ids, and revisions keep pointing at them', async () => {
    const migrator = await migratorOf(orm);
    await migrator.up({ to: 'Migration20261124230000_events' });
    await sql.query(`
      INSERT INTO region (code, name, name_zh, level) VALUES ('430500', 'Shaoyang', '邵阳市', 'CITY');
      INSERT INTO institution (name, name_zh, credit_code, category, region_id) VALUES ('A school', '学校', '12430500MB1234567X', 'SCHOOL', 1);
      INSERT INTO meter (institution_id, carrier, unit, serial) VALUES (1, 'ELECTRICITY', 'KWH', 'M-1');
      INSERT INTO reading_batch (source, submitted_by, received_at, accepted, duplicates, corrected) VALUES ('GRAPHQL', 'test', now(), 3, 0, 0);
      INSERT INTO reading (meter_id, period_start, period_end, value, quality, batch_id) VALUES
        (1, '2023-12-31T23:00:00Z', '2024-01-01T00:00:00Z', 1, 'MEASURED', 1),
        (1, '2024-01-01T00:00:00Z', '2024-01-01T01:00:00Z', 2, 'MEASURED', 1),
        (1, '2024-02-10T00:00:00Z', '2024-02-10T01:00:00Z', 3, 'MEASURED', 1);
      INSERT INTO reading_revision (reading_id, value, quality, batch_id, replaced_by_id, replaced_at) VALUES (2, 1.5, 'MEASURED', 1, 1, now());`);
    const before = (await sql.query('SELECT id, period_start, value FROM reading ORDER BY id')).rows;

    await migrator.up();
    expect((await sql.query('SELECT id, period_start, value FROM reading ORDER BY id')).rows).toEqual(before);
    const placed = await sql.query<{ id: string; part: string }>('SELECT id, tableoid::regclass::text AS part FROM reading ORDER BY id');
    expect(placed.rows.map((r) => r.part)).toEqual(['reading_y2023m12', 'reading_y2024m01', 'reading_y2024m02']);
    const revision = await sql.query('SELECT reading_id, reading_period_start FROM reading_revision');
    expect(revision.rows).toEqual([{ reading_id: '2', reading_period_start: new Date('2024-01-01T00:00:00Z') }]);
    // New readings continue the same id sequence, in partitions made on demand.
    await sql.query(`SELECT ewc_ensure_reading_partitions('2024-03-01', '2024-03-02')`);
    const next = await sql.query(`INSERT INTO reading (meter_id, period_start, period_end, value, quality, batch_id) VALUES (1, '2024-03-01T00:00:00Z', '2024-03-01T01:00:00Z', 4, 'MEASURED', 1) RETURNING id`);
    expect(next.rows[0].id).toBe('4');
    // Deleting a reading takes its revisions with it: the composite foreign key cascades.
    await expect(sql.query('DELETE FROM reading WHERE id = 2')).resolves.toBeDefined();
    expect((await sql.query('SELECT count(*)::int AS n FROM reading_revision')).rows[0].n).toBe(0);
  });
});
