import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Principal } from '../../access/principal';
import { ConflictError, ForbiddenError, NotFoundError, Problems, ValidationError } from '../../errors/domain-errors';
import { bigintKey, dateKey, decodeIntId, intKey, keyset, pageWindow, toPage, type Page, type PageArgs } from '../../graphql/relay';
import { Agency } from '../registry/agency.entity';
import { Institution } from '../registry/institution.entity';
import { assertCanWriteMeter, canReadMeter, meterReadWhere } from './meter-scope';
import { Meter } from './meter.entity';
import { UNITS_BY_CARRIER } from './metering.enums';
import type { CreateMeterInput, MeterFilter } from './metering.inputs';
import { Reading } from './reading.entity';
import { flushAudited } from '../audit/audit.service';

export class MeteringService {
  constructor(
    private readonly em: EntityManager,
    private readonly principal: Principal,
  ) {}

  async meters(filter: MeterFilter | undefined, page: PageArgs): Promise<Page<Meter>> {
    const scope = meterReadWhere(this.principal);
    if (!scope) throw new ForbiddenError('this key may not read meters (aggregates only)');
    const conditions: FilterQuery<Meter>[] = [scope];
    if (filter?.institutionId) conditions.push({ institution: decodeIntId(filter.institutionId, 'Institution', 'filter.institutionId') });
    if (filter?.carrier) conditions.push({ carrier: filter.carrier });
    const w = pageWindow(page, 1);
    const ks = keyset(w, ['id'], [intKey]);
    const where = { $and: conditions };
    const rows = await this.em.find(Meter, { $and: [...conditions, ...ks.where] } as FilterQuery<Meter>, { orderBy: ks.orderBy, limit: w.size + 1 });
    return toPage(rows, w, () => this.em.count(Meter, where), (m) => [m.id]);
  }

  /** A meter the principal may read: NOT_FOUND when absent, FORBIDDEN when out of scope. */
  async meter(id: number): Promise<Meter> {
    const meter = await this.em.findOne(Meter, { id });
    if (!meter) throw new NotFoundError('no meter with this id');
    if (!canReadMeter(this.principal, { carrier: meter.carrier, institutionId: meter.institution.id })) {
      throw new ForbiddenError('this key may not read that meter');
    }
    return meter;
  }

  async createMeter(input: CreateMeterInput): Promise<Meter> {
    const problems = new Problems();
    let institutionId = 0;
    try {
      institutionId = decodeIntId(input.institutionId, 'Institution', 'institutionId');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.add('institutionId', 'not an institution ID');
    }
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

  /** Readings of one meter whose period overlaps [from, to), oldest first. */
  async readings(meterId: number, from: Date | undefined, to: Date | undefined, page: PageArgs): Promise<Page<Reading>> {
    await this.meter(meterId);
    const problems = new Problems();
    if (from && to && from >= to) problems.add('to', 'must be after from');
    problems.throwIfAny();
    const where: FilterQuery<Reading> & Record<string, unknown> = { meter: meterId };
    if (to) where.periodStart = { $lt: to };
    if (from) where.periodEnd = { $gt: from };
    const w = pageWindow(page, 2);
    const ks = keyset(w, ['periodStart', 'id'], [dateKey, bigintKey]);
    const pageWhere = (ks.where.length ? { $and: [where, ...ks.where] } : where) as FilterQuery<Reading>;
    const rows = await this.em.find(Reading, pageWhere, { orderBy: ks.orderBy, limit: w.size + 1 });
    return toPage(rows, w, () => this.em.count(Reading, where), (r) => [r.periodStart.toISOString(), r.id]);
  }
}
