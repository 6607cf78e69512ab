import { assertInterfaceType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from '../access/auth-checker';
import { guardRootFields } from '../access/guard';
import { AccountingResolvers } from '../modules/accounting/accounting.resolvers';
import { ComplianceResolvers } from '../modules/compliance/compliance.resolver';
import { AuditsResolvers } from '../modules/audits/audits.resolver';
import { EpcResolvers } from '../modules/epc/epc.resolvers';
import { SolarResolvers } from '../modules/solar/solar.resolver';
import { FactorsResolvers } from '../modules/factors/factors.resolver';
import { MeteringResolvers } from '../modules/metering/metering.resolvers';
import { PubSub } from '../modules/realtime/pubsub';
import { RegistryResolvers } from '../modules/registry/registry.resolvers';
import { WeatherResolvers } from '../modules/weather/weather.resolver';
import { roundFigures } from './figures';
import { guardFacets } from '../modules/accounting/indicators.types';
import { applyInputLimits } from './input-limits';
import { FleetResolvers } from '../modules/fleet/fleet.resolver';
import { TargetsResolvers } from '../modules/targets/targets.resolver';
import { RecyclingResolvers } from '../modules/recycling/recycling.resolver';
import { NodeResolver } from './node.resolver';
import { scopeMutations } from '../modules/audit/audit.scope';
import { AuditResolvers } from '../modules/audit/audit.resolver';
import { KeysResolvers } from '../modules/keys/keys.resolver';
import { Node, nodeType } from './relay';
import { zonedDateTime } from './datetime';

/** Builds the executable schema; the pubsub is the one the resolvers' subscriptions listen on. */
export async function createSchema(pubsub: PubSub = new PubSub(), timezone = 'Asia/Shanghai'): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [NodeResolver, ...KeysResolvers, ...RegistryResolvers, ...MeteringResolvers, ...FactorsResolvers, ...AccountingResolvers, ...ComplianceResolvers,
      ...EpcResolvers, ...AuditsResolvers,
      ...SolarResolvers, ...AuditResolvers,
      ...WeatherResolvers, ...FleetResolvers, ...TargetsResolvers, ...RecyclingResolvers],
    orphanedTypes: [Node],
    authChecker,
    pubSub: pubsub,
    // Times are answered with the offset of EWC_TIMEZONE (the SDL is the same for every zone).
    scalarsMap: [{ type: Date, scalar: zonedDateTime(timezone) }],
    validate: { forbidUnknownValues: false },
  });
  // type-graphql wraps resolveType in an async function: a promise per node for graphql-js to
  // await, and one graphql-jit cannot (src/server/jit-executor.ts). Ours is synchronous.
  assertInterfaceType(schema.getType('Node')).resolveType = nodeType;
  // Every root field decides through the policy table before its resolver runs (and the energy,
  // water and fleet figures of Indicators by the facets the key is denied); every input is
  // checked for length, NUL and range before any SQL; each mutation then runs in an audit scope, so
  // the events its services record carry its name and request id. Every figure is rounded once, by
  // its unit, on its way out (the precision policy).
  return scopeMutations(guardRootFields(applyInputLimits(roundFigures(guardFacets(schema)))));
}

/** The SDL as committed in schema/schema.graphql: sorted, so diffs show real changes only. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
