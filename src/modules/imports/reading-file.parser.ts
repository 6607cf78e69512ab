import { createReadStream, type ReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { TextDecoder } from 'node:util';
import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';

/** The file as a whole cannot be read (format, encoding, header): the CLI exits with 2. */
export class ImportFileError extends Error {}

/** One data row with its 1-based line in the file (the header is row 1), cells by normalised header. */
export interface RawRow {
  row: number;
  cells: Map<string, string | Date>;
}

/** Columns the importer understands, each with the headers it accepts (compared lower-cased). */
export const COLUMNS = {
  meterId: ['meter_id', 'meterid'],
  serial: ['serial', 'meter_serial', '表号', '计量表编号'],
  start: ['period_start', 'periodstart', 'start', '开始时间'],
  end: ['period_end', 'periodend', 'end', '结束时间'],
  date: ['date', '日期'],
  value: ['value', '用量', '读数用量'],
} as const;
export type Column = keyof typeof COLUMNS;

/** Which header of the file holds each column the importer uses. */
export type ColumnMap = Partial<Record<Column, string>>;

const normalise = (h: string) => h.replace(/^\uFEFF/, '').trim().toLowerCase();

/**
 * A mapping for layouts the usual headers do not cover: our column to the file's header, e.g.
 * `{"serial": "Meter No.", "start": "From", "end": "To", "value": "kWh"}` (CLI `--mapping <file>`,
 * or the same names as query parameters of POST /import/readings).
 */
export function parseMapping(json: unknown): ColumnMap {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new ImportFileError('the column mapping must be a JSON object such as {"serial": "Meter No.", "value": "kWh"}');
  const map: ColumnMap = {};
  for (const [column, header] of Object.entries(json)) {
    if (!(column in COLUMNS)) throw new ImportFileError(`the column mapping names "${column}"; expected some of ${Object.keys(COLUMNS).join(', ')}`);
    if (typeof header !== 'string' || !header.trim()) throw new ImportFileError(`the column mapping gives "${column}" no header name`);
    map[column as Column] = normalise(header);
  }
  return map;
}

export function mapColumns(headers: string[], mapping: ColumnMap = {}): ColumnMap {
  const found = headers.map(normalise).filter(Boolean);
  if (!found.length) throw new ImportFileError('the file has no header row');
  const map: ColumnMap = {};
  for (const [column, names] of Object.entries(COLUMNS) as [Column, readonly string[]][]) {
    const wanted = mapping[column];
    if (wanted && !found.includes(wanted)) throw new ImportFileError(`the column mapping says ${column} is "${wanted}", but the header has: ${found.join(', ')}`);
    const header = wanted ?? found.find((h) => names.includes(h) && !Object.values(mapping).includes(h));
    if (header) map[column] = header;
  }
  const missing: string[] = [];
  if (!map.meterId && !map.serial) missing.push(`a meter (${[...COLUMNS.meterId, ...COLUMNS.serial].join(', ')})`);
  if (!map.date && !(map.start && map.end)) missing.push(`a period (${COLUMNS.start[0]} and ${COLUMNS.end[0]}, or ${COLUMNS.date.join('/')})`);
  if (!map.value) missing.push(`the value (${COLUMNS.value.join(', ')})`);
  if (missing.length) throw new ImportFileError(`missing required column(s): ${missing.join('; ')}; the header has: ${found.join(', ')}`);
  return map;
}

/**
 * The header of the file holding each column of `spec` (accepted headers, compared lower-cased),
 * for files other than readings; `required` lists groups of which one column each must be present.
 */
export function matchColumns<K extends string>(spec: Record<K, readonly string[]>, headers: string[], required: readonly (readonly K[])[]): Partial<Record<K, string>> {
  const found = headers.map(normalise).filter(Boolean);
  if (!found.length) throw new ImportFileError('the file has no header row');
  const map: Partial<Record<K, string>> = {};
  for (const [column, names] of Object.entries(spec) as [K, readonly string[]][]) {
    const header = found.find((h) => names.includes(h));
    if (header) map[column] = header;
  }
  const missing = required.filter((group) => !group.some((c) => map[c])).map((group) => group.map((c) => spec[c].join('/')).join(' or '));
  if (missing.length) throw new ImportFileError(`missing required column(s): ${missing.join('; ')}; the header has: ${found.join(', ')}`);
  return map;
}

export interface ReadOptions {
  mapping?: ColumnMap;
  /** Checks the header row (throws ImportFileError); by default, the columns of a readings file. */
  header?: (headers: string[]) => void;
  /** Bytes of the file read so far (for a progress bar's share done and ETA). */
  progress?: { bytes: number };
}

/**
 * Reads the rows of a CSV (UTF-8) or XLSX file in batches (a CSV's batch: the rows of one chunk of
 * the file); neither is held in memory whole. Batches, not rows, cross the async generators: a
 * million promises per million rows, each through the async-context hooks, was a fifth of an
 * import's CPU in the CLI.
 */
export async function* readRowBatches(file: string, opts: ReadOptions = {}): AsyncGenerator<RawRow[], void, undefined> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx') throw new ImportFileError('expected a .csv or .xlsx file');
  const head = await readHead(file);
  if (!head.length) throw new ImportFileError('the file is empty');
  const progress = opts.progress ?? { bytes: 0 };
  // exceljs takes seconds to load and only .xlsx needs it; loaded before the file starts flowing.
  const excel = ext === '.xlsx' ? (await import('exceljs')).default : null;
  const source = createReadStream(file);
  const header = opts.header ?? ((headers: string[]) => void mapColumns(headers, opts.mapping));
  if (!excel) yield* readCsv(source, head, header, progress);
  else yield* readXlsx(excel, source.on('data', (chunk) => (progress.bytes += chunk.length)), head, header);
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new ImportFileError(`cannot read ${file}: ${err.code ?? err.message}`);
  });
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const notUtf8 = () => new ImportFileError(`not UTF-8 text (binary, or another encoding such as GBK: save it as "CSV UTF-8")`);

/** The text of the next bytes of a file (`chunk` null: its end); ImportFileError on bytes that are not UTF-8 text (binary, or a GBK export). */
function decodeText(decoder: TextDecoder, chunk: Buffer | null): string {
  if (chunk?.includes(0)) throw notUtf8();
  try {
    return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
  } catch (err) {
    // A fatal TextDecoder throws a TypeError on bytes that are not UTF-8.
    if (!(err instanceof TypeError)) throw err;
    throw notUtf8();
  }
}

/** Fails on bytes that are not UTF-8 text, before csv-parse sees them. */
function utf8Guard(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        decodeText(decoder, chunk);
      } catch (err) {
        return done(err as Error);
      }
      done(null, chunk);
    },
    flush(done) {
      try {
        decodeText(decoder, null);
      } catch (err) {
        return done(err as Error);
      }
      done();
    },
  });
}

const CSV_OPTIONS = { skip_empty_lines: true, relax_column_count: true, trim: true } as const;

/**
 * The line ending of a file that can be read line by line (`\n` or `\r\n`), or null: its first
 * 4 KB hold a quote (a field may span lines), or a carriage return that ends no line.
 */
function plainLineEnding(head: Buffer): '\n' | '\r\n' | null {
  const text = head.toString('latin1');
  const nl = text.indexOf('\n');
  if (nl < 0 || text.includes('"')) return null;
  const ending = text[nl - 1] === '\r' ? '\r\n' : '\n';
  // A carriage return other than before a newline (the last byte read may be the first half of one).
  return (ending === '\n' ? /\r/ : /\r(?!\n|$)/).test(text) ? null : ending;
}

/** What csv-parse's `trim` removes around a field. */
const TRIMMED = /^[ \t\r\n\f]+|[ \t\r\n\f]+$/g;
/** Most fields have nothing to trim: their two ends are looked at before any regular expression runs. */
const trimField = (f: string) => (f.charCodeAt(0) > 32 && f.charCodeAt(f.length - 1) > 32 ? f : f.replace(TRIMMED, ''));

/**
 * The records of a CSV file without quotes, split line by line with csv-parse's rules (fields
 * trimmed, blank lines skipped): csv-parse took most of an import's time in the CLI, a
 * million-row file's 7 s of 11. From the first line with a quote or a stray carriage return on,
 * csv-parse reads the rest, with its line numbers kept.
 */
async function* plainRecords(file: ReadStream, ending: '\n' | '\r\n', progress: { bytes: number }): AsyncGenerator<string[][]> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const chunks = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let text = '';
  let lines = 0;
  let atStart = true;
  try {
    for (;;) {
      const next = await chunks.next();
      if (!next.done) progress.bytes += next.value.length;
      text += decodeText(decoder, next.done ? null : next.value);
      if (atStart && text) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        atStart = false;
      }
      let pos = 0;
      const records: string[][] = [];
      while (pos < text.length) {
        let nl = text.indexOf('\n', pos);
        if (nl < 0) {
          if (!next.done) break;
          nl = text.length;
        }
        const end = ending === '\r\n' && nl < text.length ? nl - 1 : nl;
        const line = end >= pos ? text.slice(pos, end) : null;
        if (line === null || (end < nl && text[end] !== '\r') || line.includes('"') || line.includes('\r')) {
          if (records.length) yield records;
          yield* parsedRest(ending.repeat(lines) + text.slice(pos), next.done ? null : chunks, decoder, ending, progress);
          return;
        }
        lines++;
        pos = nl + 1;
        const fields = line.split(',');
        if (fields.length === 1 && trimField(fields[0]) === '') continue;
        for (let i = 0; i < fields.length; i++) fields[i] = trimField(fields[i]);
        records.push(fields);
      }
      if (records.length) yield records;
      text = text.slice(pos);
      if (next.done) return;
    }
  } finally {
    file.destroy();
  }
}

/** The rest of a file through csv-parse: `text`, then what `chunks` still holds (null: nothing). */
async function* parsedRest(text: string, chunks: AsyncIterator<Buffer> | null, decoder: TextDecoder, ending: string, progress: { bytes: number }): AsyncGenerator<string[][]> {
  const parser = parse({ ...CSV_OPTIONS, record_delimiter: ending });
  const input = Readable.from(
    (async function* () {
      yield text;
      if (!chunks) return;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        progress.bytes += next.value.length;
        yield decodeText(decoder, next.value);
      }
      yield decodeText(decoder, null);
    })(),
  );
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  yield* batched(parser);
}

/** Rows a batch holds at most where the source gives them one at a time (csv-parse, a worksheet). */
const BATCH_ROWS = 1000;

/** The items of `source` in arrays of up to BATCH_ROWS. */
async function* batched<T>(source: AsyncIterable<T>): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of source) {
    batch.push(item);
    if (batch.length >= BATCH_ROWS) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

async function* readCsv(file: ReadStream, head: Buffer, header: (headers: string[]) => void, progress: { bytes: number }): AsyncGenerator<RawRow[]> {
  if (head.subarray(0, 2).toString('latin1') === 'PK') {
    file.destroy();
    throw new ImportFileError('looks like a spreadsheet, not CSV text');
  }
  const ending = plainLineEnding(head);
  let records: AsyncIterable<string[][]>;
  if (ending) records = plainRecords(file, ending, progress);
  else {
    const parser = parse({ ...CSV_OPTIONS, bom: true });
    const source = file.on('data', (chunk) => (progress.bytes += chunk.length)).pipe(utf8Guard());
    source.on('error', (err) => parser.destroy(err));
    source.pipe(parser);
    records = batched<string[]>(parser);
  }
  let headers: string[] | null = null;
  let row = 1;
  try {
    for await (const batch of records) {
      const rows: RawRow[] = [];
      for (const record of batch) {
        if (!headers) {
          headers = record.map(normalise);
          header(headers);
          continue;
        }
        rows.push({ row: ++row, cells: cellsOf(headers, record) });
      }
      if (rows.length) yield rows;
    }
  } catch (err) {
    if (err instanceof ImportFileError) throw err;
    throw new ImportFileError(`not readable CSV: ${(err as Error).message}`);
  }
  if (!headers) throw new ImportFileError('the file has no rows');
}

/** A row's cells by header; a short row's missing cells are empty. */
function cellsOf<V>(headers: string[], values: V[]): Map<string, V | ''> {
  const cells = new Map<string, V | ''>();
  for (let i = 0; i < headers.length; i++) cells.set(headers[i], values[i] ?? '');
  return cells;
}

async function* readXlsx(Excel: typeof ExcelJS, file: ReadStream, head: Buffer, header: (headers: string[]) => void): AsyncGenerator<RawRow[]> {
  if (head.subarray(0, 2).toString('latin1') !== 'PK') {
    file.destroy();
    throw new ImportFileError('not an XLSX workbook');
  }
  const reader = new Excel.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', worksheets: 'emit', hyperlinks: 'ignore', styles: 'cache', entries: 'ignore' });
  // exceljs 4.4's reader looks up the sheet's name in `model.sheets` when a worksheet comes after the
  // shared strings but before xl/workbook.xml in the zip, and has no model yet: a TypeError for a
  // valid workbook (exceljs's own writer orders entries so about one time in forty). The first
  // sheet's rows need no name; workbook.xml, when it comes, replaces this empty model.
  Object.assign(reader, { model: { sheets: [] } });
  let headers: string[] | null = null;
  let rows: RawRow[] = [];
  try {
    // Only the first worksheet is read: a workbook may carry notes or pivot sheets after it.
    for await (const sheet of reader) {
      for await (const xrow of sheet) {
        const values = (xrow.values as ExcelJS.CellValue[]).slice(1).map(cellValue);
        if (!headers) {
          headers = values.map((v) => normalise(String(v)));
          header(headers);
          continue;
        }
        if (values.every((v) => v === '')) continue;
        rows.push({ row: xrow.number, cells: cellsOf(headers, values) });
        if (rows.length >= BATCH_ROWS) {
          yield rows;
          rows = [];
        }
      }
      break;
    }
  } catch (err) {
    if (err instanceof ImportFileError) throw err;
    throw new ImportFileError(`not a readable XLSX workbook: ${(err as Error).message}`);
  }
  if (rows.length) yield rows;
  if (!headers) throw new ImportFileError('the file has no rows');
}

function cellValue(v: ExcelJS.CellValue): string | Date {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((t) => t.text).join('').trim();
    if ('text' in v) return String(v.text).trim();
    return '';
  }
  return String(v).trim();
}
