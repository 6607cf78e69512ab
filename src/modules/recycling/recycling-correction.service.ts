import type pg from 'pg';
import { assertCanWrite, inScope, readInstitutions } from '../../access/guard';
import type { Principal } from '../../access/principal';
import { inTransaction } from '../../db/transaction';
import { ForbiddenError, NotFoundError, Problems } from '../../errors/domain-errors';
import { decimalOfNumber, formatDecimal } from '../../figures/decimal';
import { toGlobalId } from '../../global-id';
import { markClosedYearDays, NO_CLOSED_YEAR_ROWS, type ClosedYearRows } from '../accounting/closed-years';
import { record } from '../audit/audit.service';
import { loadReference } from '../factors/reference';
import { recyclingRowProblems } from './recycling-ingest.service';
import { RecyclingStream, WasteDisposition } from './recycling.enums';
import { lockRecyclingRecord, storeRecyclingCorrection } from './recycling.repository';

/** What a correction did: nothing when the kilograms were already those stored. */
export interface RecyclingCorrection {
  recordId: number;
  institutionId: number;
  /** YYYY-MM-01. */
  month: string;
  corrected: boolean;
  closedYearRows: ClosedYearRows;
}

/**
 * Corrects the kilograms of one stored record, as `correction: true` corrects a reading: the old
 * quantity is kept (recycling_record_revision, the record's `history`) and on the audit trail with
 * the new one, in one transaction. A record in a closed year is corrected and the year marked
 * pending recalculation, as readings are; its frozen figures move only with recalculateYear.
 */
/** The quantity's mistakes: the month, stream and disposition are the stored record's, so only the quantity is checked. */
export function correctionProblems(quantityKg: number): { field: string; message: string }[] {
  return recyclingRowProblems({ month: '2000-01-01', stream: RecyclingStream.OTHER, disposition: WasteDisposition.RECYCLED, quantityKg }, '2000-01-01');
}

/** A stored record's new kilograms: its row id and the quantity. */
export interface RecyclingCorrectionRequest {
  recordId: number;
  quantityKg: number;
}

export async function correctRecyclingRecord(pool: pg.Pool, principal: Principal, input: RecyclingCorrectionRequest): Promise<RecyclingCorrection> {
  const problems = new Problems();
  for (const p of correctionProblems(input.quantityKg)) problems.add(p.field, p.message);
  problems.throwIfAny();
  const id = input.recordId;
  const scope = readInstitutions(principal, 'recycling');
  if (!scope) throw new ForbiddenError('this key may not correct recycling records');
  // Read before the transaction takes its connection (see closedSpans).
  const { closedYears } = await loadReference(pool);
  return inTransaction(pool, async (client) => {
    const stored = await lockRecyclingRecord(client, id);
    if (!stored || !inScope(scope, stored.institution_id)) throw new NotFoundError('no recycling record with this id that this key can see');
    assertCanWrite(principal, 'recycling', stored.institution_id);
    const base = { recordId: id, institutionId: stored.institution_id, month: stored.month };
    if (Number(stored.quantity_kg) === input.quantityKg) return { ...base, corrected: false, closedYearRows: NO_CLOSED_YEAR_ROWS };
    // As the numeric(12,3) column writes it, so before and after read alike on the trail (120.500 -> 121.000).
    const after = formatDecimal(decimalOfNumber(input.quantityKg, 'quantityKg'), 3);
    await storeRecyclingCorrection(client, id, after, principal.keyName);
    const closedYearRows = await markClosedYearDays(closedYears, client, [stored.month]);
    await record(client, {
      actor: principal,
      changes: [{ object: toGlobalId('RecyclingRecord', id), type: 'RecyclingRecord', action: 'update', fields: { quantityKg: { before: stored.quantity_kg, after } } }],
      institutionIds: [stored.institution_id],
    });
    return { ...base, corrected: true, closedYearRows };
  });
}
