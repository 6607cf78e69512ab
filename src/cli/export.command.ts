import { createWriteStream, statSync } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type { Principal } from '../access/principal';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { Institution } from '../modules/registry/institution.entity';
import { toGlobalId } from '../graphql/relay';
import type { CursorKey } from '../db/window';
import { writeCsv } from '../csv';
import { exportFigure } from '../figures/precision';
import { parseFlags, UsageError } from './args';
import { formatZoned } from '../graphql/datetime';

const USAGE = 'usage: export assessment --year <YYYY> [--out <file.csv|file.xlsx>] | export audit --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--out <file.csv>]';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Assessment entries read per statement. */
const PAGE = 100;

/** The CLI runs as the operator of the hub, with GOA's read rights. */
const OPERATOR: Principal = { keyId: 0, keyName: 'cli', role: 'viewer', subject: 'GOA', agencyCode: 'GOA', institutionId: null, escoId: null };

/**
 * A user's mistake in --out is a usage error found before any work: its folder must exist and be a
 * folder, the file must not be a folder. `exts` are the formats the export writes.
 */
function checkOut(out: string | undefined, exts: string[]): void {
  if (out === undefined) return;
  const ext = path.extname(out).toLowerCase();
  if (!exts.includes(ext)) throw new UsageError(`--out ${out}: the file must end in ${exts.join(' or ')}`);
  const dir = path.dirname(path.resolve(out));
  const kind = (p: string) => {
    try {
      return statSync(p).isDirectory() ? 'dir' : 'file';
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      return 'none';
    }
  };
  if (kind(dir) !== 'dir') throw new UsageError(`--out ${out}: no such folder ${dir}`);
  if (kind(out) === 'dir') throw new UsageError(`--out ${out}: is a folder`);
}

/** Writes the CSV to --out (and says so) or to stdout; a file that cannot be written is one line, exit 2. */
async function output(out: string | undefined, write: (w: Writable) => Promise<string>): Promise<void> {
  if (!out) {
    await write(process.stdout);
    return;
  }
  const file = createWriteStream(out);
  const opened = new Promise<void>((resolve, reject) => {
    file.once('open', () => resolve());
    file.once('error', reject);
  });
  try {
    await opened;
  } catch (err) {
    throw new UsageError(`--out ${out}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const summary = await write(file);
  file.end();
  await finished(file);
  console.log(`${summary} to ${out}`);
}

export async function exportCommand(config: Config, argv: string[]): Promise<void> {
  const [what, ...rest] = argv;
  if (what === 'assessment') return exportAssessment(config, rest);
  if (what === 'audit') return exportAudit(config, rest);
  throw new UsageError(USAGE);
}

async function exportAssessment(config: Config, argv: string[]): Promise<void> {
  const { flags, positional } = parseFlags(argv, ['year', 'out']);
  if (positional.length || !flags.year || !/^\d{4}$/.test(flags.year)) throw new UsageError(`--year takes a four-digit year\n${USAGE}`);
  const year = Number(flags.year);
  checkOut(flags.out, ['.csv', '.xlsx']);
  const xlsx = flags.out !== undefined && path.extname(flags.out).toLowerCase() === '.xlsx';
  // Loaded once the arguments are good: a usage error answers without loading the ORM.
  const [{ openDatabase }, { AssessmentService }, { AssessmentStatus, IndicatorKind }] = await Promise.all([
    import('../app/database.js'),
    import('../modules/compliance/assessment.service.js'),
    import('../modules/compliance/compliance.enums.js'),
  ]);
  const db = await openDatabase(config, { admin: true });
  try {
    const service = new AssessmentService(db, db.orm.em.fork(), OPERATOR);
    const round = await service.round(year);
    if (!round) throw new UsageError(`no assessment round for ${year}`);
    const kinds = Object.values(IndicatorKind);
    const header = ['rank', 'institution', 'institution_zh', 'credit_code', 'score', 'open_rectifications', 'energy_kgce', 'water_m3',
      ...kinds.flatMap((k) => [`${k.toLowerCase()}`, `${k.toLowerCase()}_status`, `${k.toLowerCase()}_constraint`]), 'comment'];
    // A FINAL round is a signed document: its names are the ones frozen with it. An open round shows today's.
    const frozen = round.status === AssessmentStatus.FINAL;
    async function* rows(): AsyncGenerator<unknown[]> {
      for (let after: CursorKey | null = null; ; ) {
        const found = await service.entries(round!, { size: PAGE, backward: false, after, before: null });
        // One row past the page is read only to say there is more.
        const entries = found.rows.slice(0, PAGE);
        const live = frozen ? new Map<number, Institution>() : await liveNames(db, entries.map((e) => e.institution.id));
        for (const e of entries) {
          const inst = live.get(e.institution.id);
          const names = inst ? [inst.name, inst.nameZh, inst.creditCode] : [e.institutionName, e.institutionNameZh, e.creditCode];
          const ind = new Map(e.indicators.map((i) => [i.indicator, i]));
          // The same figures, rounded as the API rounds them (figures/precision.ts).
          const fig = (v: number | null | undefined, type: string, field: string) => exportFigure(v, type, field);
          yield [e.rank, ...names, fig(e.score, 'AssessmentEntry', 'score'), e.openRectifications,
            fig(e.energyKgce, 'AssessmentEntry', 'energyKgce'), fig(e.waterM3, 'AssessmentEntry', 'waterM3'),
            ...kinds.flatMap((k) => [fig(ind.get(k)?.value, 'EntryIndicatorResult', 'value'), ind.get(k)?.status, fig(ind.get(k)?.constraintValue, 'EntryIndicatorResult', 'constraintValue')]),
            e.comment];
        }
        if (found.rows.length <= PAGE) return;
        const last = entries[entries.length - 1];
        after = [last.rank, last.id];
      }
    }
    if (xlsx) {
      const n = await writeAssessmentXlsx(flags.out!, kinds, rows());
      console.log(`wrote ${n} entries of the ${year} round (${round.status}) to ${flags.out}`);
    } else {
      await output(flags.out, async (w) => `wrote ${await writeCsv(w, header, rows())} entries of the ${year} round (${round.status})`);
    }
  } finally {
    await db.close();
  }
}

async function liveNames(db: Database, ids: number[]): Promise<Map<number, Institution>> {
  const { Institution } = await import('../modules/registry/institution.entity.js');
  const institutions = await db.orm.em.fork().find(Institution, { id: { $in: ids } });
  return new Map(institutions.map((i) => [i.id, i]));
}

/** A value of a field as a cell: text as it is, a number rounded as the API rounds the field, anything else as JSON. */
const cell = (v: unknown, type: string, field: string) =>
  v === null || v === undefined ? '' : typeof v === 'number' ? exportFigure(v, type, field) : typeof v === 'string' ? v : JSON.stringify(v);

/** The audit trail of a span of days, one line per changed field (Excel-friendly), oldest first. */
async function exportAudit(config: Config, argv: string[]): Promise<void> {
  const { flags, positional } = parseFlags(argv, ['from', 'to', 'out']);
  if (positional.length || !flags.from || !flags.to || !DAY.test(flags.from) || !DAY.test(flags.to) || Number.isNaN(Date.parse(flags.from)) || Number.isNaN(Date.parse(flags.to))) {
    throw new UsageError(`--from and --to take days, YYYY-MM-DD\n${USAGE}`);
  }
  if (flags.to < flags.from) throw new UsageError('--to must not be before --from');
  checkOut(flags.out, ['.csv']);
  const [{ openDatabase }, { eventsOnDays }] = await Promise.all([import('../app/database.js'), import('../modules/audit/audit.repository.js')]);
  const db = await openDatabase(config);
  try {
    const header = ['event_id', 'at', 'request_id', 'operation', 'key_id', 'key_name', 'subject', 'role', 'object_id', 'object_type', 'action', 'field', 'before', 'after'];
    let events = 0;
    async function* rows(): AsyncGenerator<unknown[]> {
      for await (const e of eventsOnDays(db.pool, flags.from, flags.to, db.timezone)) {
        events++;
        const who = [toGlobalId('AuditEvent', e.id), formatZoned(e.at, db.timezone), e.request_id, e.operation, e.key_id === null ? '' : toGlobalId('ApiKey', e.key_id), e.key_name, e.subject, e.role];
        for (const c of e.changes) {
          const fields = Object.entries(c.fields);
          if (!fields.length) yield [...who, c.object, c.type, c.action, '', '', ''];
          for (const [field, v] of fields) yield [...who, c.object, c.type, c.action, field, cell(v.before, c.type, field), cell(v.after, c.type, field)];
        }
      }
    }
    await output(flags.out, async (w) => {
      const lines = await writeCsv(w, header, rows());
      return `wrote ${events} audit events (${lines} changed fields) from ${flags.from} to ${flags.to} (${db.timezone})`;
    });
  } finally {
    await db.close();
  }
}

/** 考核表 headers: what the joint assessment's readers in the bureaus use. */
const INDICATOR_ZH: Record<string, { name: string; unit: string }> = {
  PER_CAPITA_ENERGY: { name: '人均综合能耗', unit: 'kgce/人' },
  ENERGY_PER_AREA: { name: '单位建筑面积能耗', unit: 'kgce/m²' },
  PER_CAPITA_WATER: { name: '人均水耗', unit: 'm³/人' },
};
const STATUS_ZH: Record<string, string> = {
  ADVANCED: '先进', COMPLIANT: '达标', ABOVE_BASELINE: '超基准值', OVER_CONSTRAINT: '超约束值', INSUFFICIENT_DATA: '数据不足',
};

/** The assessment as an Excel workbook with Chinese headers and statuses; returns the row count. */
async function writeAssessmentXlsx(out: string, kinds: string[], rows: AsyncIterable<unknown[]>): Promise<number> {
  const ExcelJS = (await import('exceljs')).default;
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('年度考核');
  const header = ['排名', '单位名称（英文）', '单位名称', '统一社会信用代码', '得分', '未完成整改数', '综合能耗（kgce）', '用水量（m³）',
    ...kinds.flatMap((k) => [`${INDICATOR_ZH[k]?.name ?? k}（${INDICATOR_ZH[k]?.unit ?? ''}）`, `${INDICATOR_ZH[k]?.name ?? k}状态`, `${INDICATOR_ZH[k]?.name ?? k}约束值`]), '备注'];
  sheet.addRow(header).font = { bold: true };
  const statusColumns = new Set(kinds.map((_, i) => 8 + i * 3 + 1));
  let n = 0;
  for await (const row of rows) {
    sheet.addRow(row.map((v, i) => (v === null || v === undefined ? null : statusColumns.has(i) ? (STATUS_ZH[String(v)] ?? v) : v)));
    n++;
  }
  sheet.columns.forEach((c, i) => (c.width = i === 1 || i === 2 ? 28 : 14));
  try {
    await book.xlsx.writeFile(out);
  } catch (err) {
    throw new UsageError(`--out ${out}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return n;
}
