import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { Principal } from '../../access/principal';
import { ConflictError, ForbiddenError, NotFoundError, Problems } from '../../errors/domain-errors';
import type { PageWindow, WindowRows } from '../../db/window';
import { Agency } from '../registry/agency.entity';
import { Institution } from '../registry/institution.entity';
import { assertCanWriteMeter, meterReadWhere } from './meter-scope';
import { Meter } from './meter.entity';
import { UNITS_BY_CARRIER, type Carrier } from './metering.enums';
import type { CreateMeterInput } from './metering.inputs';
import type { MeteringLoaders } from './metering.loaders';
import { meterWindow, readingWindow } from './metering.repository';
import type { MeterReadRow, ReadingRow } from './metering.types';
import { flushAudited } from '../audit/audit.service';

/** Which meters to list: the institution's id decoded. */
export interface MeterQuery {
  institutionId?: number | null;
  carrier?: Carrier | null;
}

/** A meter to create: the institution's id decoded, null when the client's was not an institution's. */
export type NewMeter = Omit<CreateMeterInput, 'institutionId'> & { institutionId: number | null };

export class MeteringService {
  constructor(
    private readonly em: EntityManager,
    private readonly principal: Principal,
    private readonly pool: pg.Pool,
    /** The request's loaders: a meter checked twice in one request (readings) is read once. */
    private readonly loaders: Pick<MeteringLoaders, 'meterAccessById' | 'readingAccessById'>,
  ) {}

  /** The read check of meter lists, for a caller that must run it before decoding its filter and paging. */
  assertCanReadMeters(): void {
    if (!meterReadWhere(this.principal)) throw new ForbiddenError('this key may not read meters (aggregates only)');
  }

  /** Meters matching the query that the key may read, by id, in a window: plain rows, the key's scope in the statement. */
  async meters(filter: MeterQuery | undefined, window: PageWindow): Promise<WindowRows<MeterReadRow>> {
    const found = await meterWindow(this.pool, this.principal, { institutionId: filter?.institutionId ?? null, carrier: filter?.carrier ?? null }, window);
    if (!found) throw new ForbiddenError('this key may not read meters (aggregates only)');
    return found;
  }

  /** A meter the principal may read: NOT_FOUND when absent, FORBIDDEN when out of scope. */
  async meter(id: number): Promise<MeterReadRow> {
    const found = await this.loaders.meterAccessById.load(id);
    if (!found) throw new NotFoundError('no meter with this id');
    if (!found.readable) throw new ForbiddenError('this key may not read that meter');
    return found.meter;
  }

  /** A reading whose meter the principal may read: null when absent, FORBIDDEN (as its meter) when out of scope. */
  async reading(id: string): Promise<ReadingRow | null> {
    const found = await this.loaders.readingAccessById.load(id);
    if (found && !found.readable) throw new ForbiddenError('this key may not read that meter');
    return found?.reading ?? null;
  }

  async createMeter(input: NewMeter): Promise<Meter> {
    const problems = new Problems();
    const institutionId = input.institutionId ?? 0;
    if (input.institutionId === null) problems.add('institutionId', 'not an institution ID');
    if (!UNITS_BY_CARRIER[input.carrier].includes(input.unit)) {
      problems.add('unit', `a ${input.carrier} meter records in ${UNITS_BY_CARRIER[input.carrier].join(' or ')}, not ${input.unit}`);
    }
    const serial = input.serial.trim();
    if (!serial) problems.add('serial', 'must not be empty');
    else if (serial.length > 64) problems.add('serial', 'at most 64 characters');
    problems.throwIfAny();
    assertCanWriteMeter(this.principal, { carrier: input.carrier, institutionId });

    const institution = await this.em.findOne(Institution, { id: institutionId });
    if (!institution) problems.add('institutionId', 'no institution with this id');
    const supplierCode = input.supplierAgency ?? this.principal.agencyCode;
    const supplier = supplierCode ? await this.em.findOne(Agency, { code: supplierCode }) : null;
    if (input.supplierAgency && !supplier) problems.add('supplierAgency', `no agency with code "${input.supplierAgency}"`);
    problems.throwIfAny();
    if (await this.em.findOne(Meter, { serial })) throw new ConflictError(`serial: a meter with serial "${serial}" exists already`, { field: 'serial' });

    const meter = this.em.create(Meter, { institution: institution!, carrier: input.carrier, unit: input.unit, serial, supplier });
    await flushAudited(this.em, this.principal);
    return meter;
  }

  /**
   * The checks of a readings request, in the order they answer: the meter (NOT_FOUND, FORBIDDEN),
   * then the span; a caller that decodes paging runs them first.
   */
  async assertCanReadReadings(meterId: number, from: Date | undefined, to: Date | undefined): Promise<void> {
    await this.meter(meterId);
    const problems = new Problems();
    if (from && to && from >= to) problems.add('to', 'must be after from');
    problems.throwIfAny();
  }

  /** Readings of one meter whose period overlaps [from, to), oldest first, in a window, as plain rows. */
  async readings(meterId: number, from: Date | undefined, to: Date | undefined, window: PageWindow): Promise<WindowRows<ReadingRow>> {
    // Checked again for any caller; the meter comes from the request's loader, no second statement.
    await this.assertCanReadReadings(meterId, from, to);
    return readingWindow(this.pool, meterId, from, to, window);
  }
}
