import type { EntityName, FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { assertNodeType, inScope, readInstitutions, readScope } from '../access/guard';
import type { Resource } from '../access/policy';
import { ApiKey } from '../modules/keys/api-key.entity';
import type { Context } from './context';
import { AuditEventsService } from '../modules/audit/audit-events.service';
import { AuditsService } from '../modules/audits/audits.service';
import { YearClosure, YearRecalculation } from '../modules/accounting/year-closure.entity';
import { AssessmentEntry, AssessmentRound, ScoringRule } from '../modules/compliance/assessment.entity';
import { ComplianceAlert } from '../modules/compliance/compliance-alert.entity';
import { QuotaStandard } from '../modules/compliance/quota-standard.entity';
import { RectificationCase } from '../modules/compliance/rectification.entity';
import { EpcContract } from '../modules/epc/epc-contract.entity';
import { EpcService } from '../modules/epc/epc.service';
import { Esco } from '../modules/epc/esco.entity';
import { Meter } from '../modules/metering/meter.entity';
import { MeteringService } from '../modules/metering/metering.service';
import { ReadingBatch } from '../modules/metering/reading-batch.entity';
import { Reading } from '../modules/metering/reading.entity';
import { Agency } from '../modules/registry/agency.entity';
import { InstitutionProfile } from '../modules/registry/institution-profile.entity';
import { Institution } from '../modules/registry/institution.entity';
import { PvProject } from '../modules/solar/pv-project.entity';
import { SolarService } from '../modules/solar/solar.service';
import { RegistryService } from '../modules/registry/registry.service';
import { WeatherService } from '../modules/weather/weather.service';
import { FleetService } from '../modules/fleet/fleet.service';
import { CityTarget } from '../modules/targets/city-target.entity';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors/domain-errors';
import { fromGlobalId, MAX_PAGE, Node } from './relay';

type NodeFetcher = (id: string, ctx: Context) => Promise<object | null>;

const byId = <T extends object>(entity: EntityName<T>, key = 'id'): NodeFetcher => (id, ctx) => ctx.em.findOne(entity, { [key]: Number(id) } as FilterQuery<T>);

/**
 * A row that belongs to one institution: absent is NOT_FOUND, out of the key's row scope for
 * `resource` is FORBIDDEN, as the institution's own fetch answers.
 */
function ofInstitution<T extends { institution: { id: number } }>(entity: EntityName<T>, ...resources: Resource[]): NodeFetcher {
  return async (id, ctx) => {
    const row = await ctx.em.findOne(entity, { id: Number(id) } as FilterQuery<T>);
    if (!row) return null;
    const visible = resources.some((r) => {
      const scope = readInstitutions(ctx.principal, r);
      return scope !== null && inScope(scope, row.institution.id);
    });
    if (!visible) throw new ForbiddenError('this key may not read that object');
    return row;
  };
}

/**
 * How to fetch each kind of node; every fetch applies the same access rules as its own query. The
 * type's rule in NODE_RULES (src/access/policy.ts) is checked before, row scope here.
 */
const FETCHERS: Record<string, NodeFetcher> = {
  Institution: (id, ctx) => new RegistryService(ctx.em, ctx.principal).institution(Number(id)),
  InstitutionProfile: async (id, ctx) => {
    const profile = await ctx.em.findOne(InstitutionProfile, { id: Number(id) });
    // The profile's scope is its institution's (own, or the sites of an ESCO's contracts).
    if (profile) await new RegistryService(ctx.em, ctx.principal).institution(profile.institution.id);
    return profile;
  },
  Region: (id, ctx) => ctx.loaders.regionById.load(Number(id)),
  Agency: byId(Agency),
  Meter: (id, ctx) => new MeteringService(ctx.em, ctx.principal).meter(Number(id)),
  Reading: async (id, ctx) => {
    const reading = await ctx.em.findOne(Reading, { id });
    if (reading) await new MeteringService(ctx.em, ctx.principal).meter(reading.meter.id);
    return reading;
  },
  ReadingBatch: byId(ReadingBatch),
  EpcContract: (id, ctx) => new EpcService(ctx.db, ctx.em, ctx.principal).contract(Number(id)),
  Esco: async (id, ctx) => {
    if (readScope(ctx.principal, 'esco') === 'esco' && ctx.principal.escoId !== Number(id)) throw new ForbiddenError('this key may read its own ESCO only');
    return ctx.em.findOne(Esco, { id: Number(id) });
  },
  PvProject: (id, ctx) => new SolarService(ctx.db, ctx.em, ctx.principal).project(Number(id)),
  EnergyAudit: (id, ctx) => new AuditsService(ctx.db, ctx.em, ctx.principal).audit(Number(id)),
  QuotaStandard: byId(QuotaStandard),
  RectificationCase: ofInstitution(RectificationCase, 'rectification'),
  ComplianceAlert: ofInstitution(ComplianceAlert, 'energyIndicator', 'waterIndicator'),
  ScoringRule: byId(ScoringRule),
  AssessmentRound: byId(AssessmentRound),
  AssessmentEntry: ofInstitution(AssessmentEntry, 'assessment'),
  YearClosure: byId(YearClosure, 'year'),
  YearRecalculation: byId(YearRecalculation),
  // The trail's own visibility (own keys' actions and own objects) is in the query.
  AuditEvent: (id, ctx) => new AuditEventsService(ctx.db.pool, ctx.principal).event(id),
  ApiKey: byId(ApiKey),
  // Reference tables everyone may read.
  ConversionFactor: (id, ctx) => ctx.loaders.conversionFactorById.load(Number(id)),
  EmissionFactor: (id, ctx) => ctx.loaders.emissionFactorById.load(Number(id)),
  UnitConversion: (id, ctx) => ctx.loaders.unitConversionById.load(Number(id)),
  Vehicle: (id, ctx) => new FleetService(ctx.db, ctx.em, ctx.principal).vehicle(Number(id)),
  CityTarget: byId(CityTarget),
  ChargingPoint: (id, ctx) => new FleetService(ctx.db, ctx.em, ctx.principal).chargingPoint(Number(id)),
  WeatherStation: (id, ctx) => new WeatherService(ctx.db.pool, ctx.principal, ctx.db.timezone).station(Number(id)),
};

/**
 * The entity behind each node type whose fetch reads one row by primary key (then checks its
 * scope): for a batch of ids, `prefetchNodes` loads each type's rows in one statement, and the
 * fetches find them in the request's identity map instead of reading one row each.
 */
const TABLES: Readonly<Record<string, EntityName<object>>> = {
  Institution,
  InstitutionProfile,
  Meter,
  Agency,
  ReadingBatch,
  EpcContract,
  Esco,
  PvProject,
  QuotaStandard,
  RectificationCase,
  ComplianceAlert,
  ScoringRule,
  AssessmentRound,
  AssessmentEntry,
  YearRecalculation,
  ApiKey,
};

const MAX_INT4 = 2_147_483_647;

/**
 * Loads the rows behind many global ids with one statement per type, before `fetchNode` answers
 * each (with its own rules and errors). Ids that do not decode, and types the key may not read,
 * are left to `fetchNode` to refuse.
 */
export async function prefetchNodes(ids: readonly unknown[], ctx: Context): Promise<void> {
  const byType = new Map<string, Set<number>>();
  for (const id of ids) {
    if (typeof id !== 'string') continue;
    let decoded: { type: string; id: string };
    try {
      decoded = fromGlobalId(id, undefined, 'id');
      assertNodeType(ctx.principal, decoded.type);
    } catch (err) {
      if (err instanceof ValidationError || err instanceof ForbiddenError) continue;
      throw err;
    }
    const n = Number(decoded.id);
    if (!TABLES[decoded.type] || !Number.isSafeInteger(n) || n < 1 || n > MAX_INT4) continue;
    byType.set(decoded.type, (byType.get(decoded.type) ?? new Set()).add(n));
  }
  await Promise.all([...byType].filter(([, set]) => set.size > 1).map(([type, set]) => ctx.em.find(TABLES[type], { id: { $in: [...set] } } as FilterQuery<object>)));
}

/** The types `node(id)` answers (test/access/policy.test.ts holds this to NODE_RULES and to the schema). */
export const NODE_TYPES: readonly string[] = Object.keys(FETCHERS);

/**
 * The object behind a global id under its type's rule and row scope: NOT_FOUND, FORBIDDEN or the
 * object. `node(id)`, `nodes(ids)` and the federation's `_entities` all answer through it.
 */
export async function fetchNode(id: string, ctx: Context, field: string): Promise<object> {
  const { type, id: raw } = fromGlobalId(id, undefined, field);
  const fetch = FETCHERS[type];
  if (!fetch) throw new NotFoundError(`no node of type ${type}`);
  assertNodeType(ctx.principal, type);
  const node = await fetch(raw, ctx);
  if (!node) throw new NotFoundError(`no ${type} with this id`);
  return node;
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global ID (Relay).' })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<object | null> {
    return fetchNode(id, ctx, 'id');
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: `Objects by their global IDs (Relay), in the order asked, at most ${MAX_PAGE}. One that cannot be answered is null with its own error; the others are still answered.`,
  })
  async nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: Context): Promise<Promise<object | null>[]> {
    if (ids.length > MAX_PAGE) throw ValidationError.single('ids', `at most ${MAX_PAGE} IDs`);
    await prefetchNodes(ids, ctx);
    return ids.map((id, i) => fetchNode(id, ctx, `ids[${i}]`));
  }
}
