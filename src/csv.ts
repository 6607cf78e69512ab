import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** RFC 4180: quote a field when it holds a comma, quote or line break. */
export function csvField(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Excel (and LibreOffice) read a cell starting with one of these as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/**
 * A cell a spreadsheet shows as text, never runs: text starting with =, +, -, @, tab or CR gets a
 * leading apostrophe (OWASP's CSV injection advice). Numbers, and decimals such as "-12.50", stay
 * as they are.
 */
export function safeCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  if (typeof value === 'number' || PLAIN_NUMBER.test(s)) return csvField(s);
  return csvField(FORMULA_START.test(s) ? `'${s}` : s);
}

/** Excel on a Chinese (GBK) Windows reads a CSV as UTF-8 only when it starts with this mark. */
export const UTF8_BOM = '\uFEFF';

export function csvLine(cells: unknown[]): string {
  return cells.map(safeCell).join(',') + '\r\n';
}

/** A whole CSV document: BOM, header, rows; CRLF line ends; every cell made safe. */
export function csvDocument(header: string[], rows: Iterable<unknown[]>): string {
  let out = UTF8_BOM + csvLine(header);
  for (const row of rows) out += csvLine(row);
  return out;
}

/** The same, written to a stream as rows arrive (exports that may be large); returns the row count. */
export async function writeCsv(out: Writable, header: string[], rows: AsyncIterable<unknown[]>): Promise<number> {
  let n = 0;
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(UTF8_BOM + csvLine(header));
  for await (const row of rows) {
    await write(csvLine(row));
    n++;
  }
  return n;
}
