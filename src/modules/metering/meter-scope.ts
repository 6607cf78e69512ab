import type { FilterQuery } from '@mikro-orm/postgresql';
import { assertCanWrite, inScope, readInstitutions } from '../../access/guard';
import type { Resource } from '../../access/policy';
import type { Principal } from '../../access/principal';
import { ENERGY_CARRIERS, WATER_CARRIERS, isWaterCarrier, type Carrier } from './metering.enums';
import type { Meter } from './meter.entity';

/** Energy and water meters are governed apart (the water bureau owns water data). */
export function meterResource(carrier: Carrier): Resource {
  return isWaterCarrier(carrier) ? 'waterMeter' : 'energyMeter';
}

/** Per meter resource the key may read: its carriers, and its institutions (null: all). */
function readableMeters(p: Principal): { carriers: Carrier[]; ids: number[] | null }[] {
  const out: { carriers: Carrier[]; ids: number[] | null }[] = [];
  for (const [resource, carriers] of [
    ['energyMeter', ENERGY_CARRIERS],
    ['waterMeter', WATER_CARRIERS],
  ] as const) {
    const scope = readInstitutions(p, resource);
    if (scope) out.push({ carriers: [...carriers], ids: scope.kind === 'ids' ? scope.ids : null });
  }
  return out;
}

/**
 * The meters a principal may read, as a filter for the query itself, so a list
 * never loads rows it must hide. Null: no meter rows at all.
 */
export function meterReadWhere(p: Principal): FilterQuery<Meter> | null {
  const parts = readableMeters(p).map(({ carriers, ids }) => {
    const part: Record<string, unknown> = { carrier: { $in: carriers } };
    if (ids) part.institution = { $in: ids };
    return part as FilterQuery<Meter>;
  });
  if (!parts.length) return null;
  return parts.length === 1 ? parts[0] : { $or: parts };
}

/**
 * The same filter as SQL over the meter table aliased `m` (parameters appended to `params`), for
 * reads of plain rows. Null: no meter rows at all.
 */
export function meterReadSql(p: Principal, params: unknown[]): string | null {
  const parts = readableMeters(p).map(({ carriers, ids }) => {
    let part = `m.carrier = ANY($${params.push(carriers)}::carrier[])`;
    if (ids) part += ` AND m.institution_id = ANY($${params.push(ids)}::int[])`;
    return `(${part})`;
  });
  if (!parts.length) return null;
  return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
}

export function canReadMeter(p: Principal, meter: { carrier: Carrier; institutionId: number }): boolean {
  const scope = readInstitutions(p, meterResource(meter.carrier));
  return scope !== null && inScope(scope, meter.institutionId);
}

export function assertCanWriteMeter(p: Principal, meter: { carrier: Carrier; institutionId: number }): void {
  assertCanWrite(p, meterResource(meter.carrier), meter.institutionId);
}
