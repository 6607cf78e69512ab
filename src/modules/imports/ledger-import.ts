import { rmSync } from 'node:fs';
import type pg from 'pg';
import { inTransaction } from '../../db/transaction';
import type { FieldProblem } from '../../errors/domain-errors';
import { ImportRejectedError, ImportRowLimitError, Report, reportPathOf } from './import.service';
import { ImportFileError, matchColumns, readRowBatches, type RawRow } from './reading-file.parser';
import type { RowProblem } from './reading-row';

/** A problem the batch rules found in the row at `index` of the parsed rows. */
export interface LedgerProblem extends FieldProblem {
  index: number;
  kind: 'invalid' | 'conflict' | 'forbidden';
}

/** What one kind of ledger (fuel and charging, recycling) tells the import: its columns, rows and rules. */
export interface Ledger<K extends string, Row, R> {
  columns: Record<K, readonly string[]>;
  /** Each entry: one of these columns must be present. */
  required: readonly (readonly NoInfer<K>[])[];
  maxRows: number;
  /** One file row to a ledger row, or the problems of its cells. */
  parse(raw: RawRow, columns: Partial<Record<K, string>>): { row: Row } | { problems: RowProblem[] };
  /** The batch rules, in the import's transaction: the rows are written only if no problem is returned. */
  apply(client: pg.PoolClient, rows: Row[]): Promise<{ problems: LedgerProblem[]; result: R }>;
  /** The file's header for a field the batch rules name. */
  headerOf(field: string, columns: Partial<Record<K, string>>): string;
}

/**
 * Imports a CSV or XLSX ledger with the rules of the GraphQL batch, all rows or none: every
 * problem goes to the report beside the file (`<file>.rejected.csv`), and nothing is written.
 */
export async function importLedger<K extends string, Row, R>(pool: pg.Pool, file: string, ledger: Ledger<K, Row, R>): Promise<R & { rows: number }> {
  const report = new Report(reportPathOf(file));
  let columns: Partial<Record<K, string>> | null = null;
  const rows: Row[] = [];
  const fileRow: number[] = [];
  let count = 0;
  try {
    for await (const batch of readRowBatches(file, { header: (h) => void (columns = matchColumns(ledger.columns, h, ledger.required)) })) {
      for (const raw of batch) {
        if (++count > ledger.maxRows) throw new ImportRowLimitError(ledger.maxRows);
        const parsed = ledger.parse(raw, columns!);
        if ('problems' in parsed) for (const p of parsed.problems) await report.add(p);
        else {
          rows.push(parsed.row);
          fileRow.push(raw.row);
        }
      }
    }
    if (!count) throw new ImportFileError('the file has a header but no rows');
    if (report.count) {
      await report.close(true);
      throw new ImportRejectedError(report.path, report.count, 0);
    }
    const result = await inTransaction(pool, async (client) => {
      const { problems, result } = await ledger.apply(client, rows);
      if (problems.length) {
        for (const p of [...problems].sort((a, b) => a.index - b.index)) await report.add({ row: fileRow[p.index], column: ledger.headerOf(p.field, columns!), reason: p.message });
        await report.close(true);
        throw new ImportRejectedError(report.path, report.count, problems.filter((p) => p.kind === 'forbidden').length);
      }
      return result;
    });
    rmSync(report.path, { force: true });
    return { rows: count, ...result };
  } catch (err) {
    if (!(err instanceof ImportRejectedError)) await report.close(false);
    throw err;
  }
}
