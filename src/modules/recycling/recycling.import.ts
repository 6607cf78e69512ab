import type pg from 'pg';
import type { Principal } from '../../access/principal';
import { fromGlobalId } from '../../graphql/relay';
import { loadReference } from '../factors/reference';
import { importLedger } from '../imports/ledger-import';
import type { RawRow } from '../imports/reading-file.parser';
import { RecyclingStream, WasteDisposition } from './recycling.enums';
import { applyRecyclingRows, recyclingRowProblems, type RecyclingIngestOutcome, type RecyclingRow } from './recycling-ingest.service';

/** Headers a recycling ledger may use (compared lower-cased), Chinese ledgers' first. */
export const RECYCLING_COLUMNS = {
  institution: ['单位', '单位名称', '机构', '机构名称', 'institution'],
  creditCode: ['统一社会信用代码', '信用代码', 'credit_code', 'creditcode'],
  institutionId: ['institution_id', 'institutionid'],
  month: ['月份', '统计月份', '年月', 'month'],
  stream: ['类别', '废弃物类别', '垃圾类别', '品类', 'stream'],
  disposition: ['去向', '处置方式', '处理方式', 'disposition'],
  quantityKg: ['重量', '重量(kg)', '重量（kg）', '重量(公斤)', '重量（公斤）', '数量(kg)', '数量（kg）', 'quantity_kg', 'kg'],
} as const;
type RecyclingColumn = keyof typeof RECYCLING_COLUMNS;

/** How sorting ledgers name the streams. */
const STREAM_NAMES: Record<string, RecyclingStream> = {
  纸类: RecyclingStream.PAPER, 废纸: RecyclingStream.PAPER, 纸: RecyclingStream.PAPER,
  塑料: RecyclingStream.PLASTICS, 废塑料: RecyclingStream.PLASTICS, 塑料类: RecyclingStream.PLASTICS,
  金属: RecyclingStream.METALS, 废金属: RecyclingStream.METALS, 金属类: RecyclingStream.METALS,
  玻璃: RecyclingStream.GLASS, 废玻璃: RecyclingStream.GLASS, 玻璃类: RecyclingStream.GLASS,
  电子废弃物: RecyclingStream.E_WASTE, 电子垃圾: RecyclingStream.E_WASTE, 废弃电器电子产品: RecyclingStream.E_WASTE,
  厨余垃圾: RecyclingStream.KITCHEN_WASTE, 餐厨垃圾: RecyclingStream.KITCHEN_WASTE, 厨余: RecyclingStream.KITCHEN_WASTE,
  其他: RecyclingStream.OTHER, 其他垃圾: RecyclingStream.OTHER, 其它: RecyclingStream.OTHER,
};
const DISPOSITION_NAMES: Record<string, WasteDisposition> = {
  回收: WasteDisposition.RECYCLED, 回收利用: WasteDisposition.RECYCLED, 再生利用: WasteDisposition.RECYCLED, 资源化利用: WasteDisposition.RECYCLED,
  填埋: WasteDisposition.LANDFILLED, 卫生填埋: WasteDisposition.LANDFILLED,
  焚烧: WasteDisposition.INCINERATED, 焚烧发电: WasteDisposition.INCINERATED,
};

/** A file of that many rows goes through in one transaction; a bigger ledger is split. */
export const MAX_FILE_ROWS = 100_000;

export interface RecyclingImportResult extends RecyclingIngestOutcome {
  rows: number;
}

interface Names {
  byName: Map<string, number>;
  byCreditCode: Map<string, number>;
}

const text = (v: string | Date | undefined) => (v instanceof Date ? v.toISOString().slice(0, 10) : (v ?? '').trim());

/** 2024-03, 2024/3, 2024-03-01, 2024年3月 (an XLSX date cell reads as its day) to 2024-03-01; anything else stays as typed, for the row check to name. */
export function monthOfCell(cell: string): string {
  const m = /^(\d{4})\s*[-/年.]\s*(\d{1,2})(?:\s*月)?(?:[-/.]0?1(?:T.*)?)?$/.exec(cell);
  return m ? `${m[1]}-${m[2].padStart(2, '0')}-01` : cell;
}

async function institutionNames(pool: pg.Pool): Promise<Names> {
  const { rows } = await pool.query<{ id: number; name: string; name_zh: string | null; credit_code: string }>('SELECT id, name, name_zh, credit_code FROM institution');
  const byName = new Map<string, number>();
  for (const r of rows) {
    byName.set(r.name.toLowerCase(), r.id);
    if (r.name_zh) byName.set(r.name_zh, r.id);
  }
  return { byName, byCreditCode: new Map(rows.map((r) => [r.credit_code, r.id])) };
}

/**
 * Imports a CSV or XLSX ledger of monthly recycling records with the rules of the GraphQL batch,
 * all rows or none: every problem goes to the report beside the file (`<file>.rejected.csv`).
 */
export async function importRecycling(pool: pg.Pool, file: string, opts: { principal?: Principal; submittedBy: string; thisMonth: string; maxRows?: number }): Promise<RecyclingImportResult> {
  const names = await institutionNames(pool);
  // Read before the import's transaction takes its connection (see closedSpans).
  const { closedYears } = await loadReference(pool);
  return importLedger(pool, file, {
    columns: RECYCLING_COLUMNS,
    required: [['institution', 'creditCode', 'institutionId'], ['month'], ['stream'], ['disposition'], ['quantityKg']],
    maxRows: Math.min(opts.maxRows ?? MAX_FILE_ROWS, MAX_FILE_ROWS),
    parse: (raw, columns) => parseRow(raw, columns, names, opts.thisMonth),
    apply: (client, rows) => applyRecyclingRows(client, opts.principal ?? null, rows, opts.submittedBy, closedYears),
    headerOf: (field, c) => (field === 'institutionId' ? (c.institution ?? c.creditCode ?? c.institutionId) : c[field as RecyclingColumn]) ?? field,
  });
}

function parseRow(raw: RawRow, c: Partial<Record<RecyclingColumn, string>>, names: Names, thisMonth: string): { row: RecyclingRow } | { problems: { row: number; column: string; reason: string }[] } {
  const problems: { row: number; column: string; reason: string }[] = [];
  const cell = (col: RecyclingColumn) => (c[col] ? text(raw.cells.get(c[col]!)) : '');
  const bad = (col: RecyclingColumn, reason: string) => problems.push({ row: raw.row, column: c[col] ?? col, reason });
  let institutionId = NaN;
  if (cell('institutionId')) {
    const id = /^\d+$/.test(cell('institutionId')) ? Number(cell('institutionId')) : tryGlobalId(cell('institutionId'));
    if (id === null) bad('institutionId', `"${cell('institutionId')}" is not an institution ID`);
    else institutionId = id;
  } else if (cell('creditCode')) {
    const id = names.byCreditCode.get(cell('creditCode').toUpperCase());
    if (id === undefined) bad('creditCode', `no institution with credit code "${cell('creditCode')}"`);
    else institutionId = id;
  } else {
    const id = names.byName.get(cell('institution')) ?? names.byName.get(cell('institution').toLowerCase());
    if (!cell('institution')) bad('institution', 'no institution given');
    else if (id === undefined) bad('institution', `no institution named "${cell('institution')}"`);
    else institutionId = id;
  }
  const stream = STREAM_NAMES[cell('stream')] ?? (Object.values(RecyclingStream) as string[]).find((s) => s === cell('stream').toUpperCase().replace(/[\s-]/g, '_'));
  if (!stream) bad('stream', `"${cell('stream')}" is not 纸类, 塑料, 金属, 玻璃, 电子废弃物, 厨余垃圾 or 其他`);
  const disposition = DISPOSITION_NAMES[cell('disposition')] ?? (Object.values(WasteDisposition) as string[]).find((d) => d === cell('disposition').toUpperCase());
  if (!disposition) bad('disposition', `"${cell('disposition')}" is not 回收, 填埋 or 焚烧`);
  const quantity = cell('quantityKg').replace(/,/g, '');
  const row: RecyclingRow = {
    institutionId,
    month: monthOfCell(cell('month')),
    stream: stream as RecyclingStream,
    disposition: disposition as WasteDisposition,
    quantityKg: quantity === '' ? NaN : Number(quantity),
  };
  for (const p of recyclingRowProblems(row, thisMonth)) {
    if (p.field === 'stream' || p.field === 'disposition') continue; // named above, in the ledger's words
    bad(p.field as RecyclingColumn, p.field === 'quantityKg' ? `"${cell('quantityKg')}": ${p.message}` : `"${cell('month')}": ${p.message}`);
  }
  return problems.length ? { problems } : { row };
}

function tryGlobalId(value: string): number | null {
  try {
    return Number(fromGlobalId(value, 'Institution', 'institutionId').id);
  } catch (err) {
    if (err instanceof Error) return null;
    throw err;
  }
}
