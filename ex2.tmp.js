require('reflect-metadata');
const { loadConfig } = require('./dist/src/config');
const { openDatabase } = require('./dist/src/db/database');
(async () => {
  const db = await openDatabase(loadConfig({ EWC_DATA_DIR: '/tmp/d1', LOG_LEVEL: 'warn' }));
  const ids = (await db.pool.query('select id from institution where in_municipal_appraisal')).rows.map(r => r.id);
  const sql = require('fs').readFileSync('dist/src/modules/accounting/figures.js','utf8');
  const q = /pool\.query\(`(WITH months[\s\S]*?GROUP BY me.institution_id, me.carrier, me.unit, mo.month, mo.seconds)`/.exec(sql)[1].replace(/\$\{edges[\s\S]*?join\('\\n'\)\}/, '');
  const r = await db.pool.query('explain analyze ' + q, [ids, '2024-01-01', '2025-01-01', '2024-01-01', '2025-01-01', 'Asia/Shanghai']);
  console.log(r.rows.map(x => x['QUERY PLAN']).join('\n'));
  await db.close();
})();
