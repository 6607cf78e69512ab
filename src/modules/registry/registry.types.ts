import { Connection } from '../../graphql/relay';
import { Institution } from './institution.entity';
import type { InstitutionCategory, RegionLevel } from './registry.enums';
import { Region } from './region.entity';

export const InstitutionConnection = Connection(Institution, 'Institution');
export const RegionConnection = Connection(Region, 'Region');

/**
 * An institution as reads give it: a plain row with what the GraphQL type reads, no entity. The
 * entity (what writes return) has the same shape, so field resolvers take either. Root parameters
 * are typed by these interfaces, not by the class: type-graphql would copy a plain root into a new
 * entity for a class-typed root.
 */
export interface InstitutionRow {
  id: number;
  /** The Relay id (`id` in the schema). */
  globalId: string;
  name: string;
  nameZh: string;
  creditCode: string;
  category: InstitutionCategory;
  inMunicipalAppraisal: boolean;
  region: { id: number };
}

/** A yearly profile as reads give it (see InstitutionRow). */
export interface InstitutionProfileRow {
  id: number;
  globalId: string;
  institution: { id: number };
  year: number;
  headcount?: number | null;
  floorAreaM2?: number | null;
  heatedAreaM2?: number | null;
  cooledAreaM2?: number | null;
}

/** An agency as reads give it (see InstitutionRow). */
export interface AgencyRow {
  id: number;
  globalId: string;
  code: string;
  name: string;
  nameZh: string;
}

/** A region as reads give it (see InstitutionRow). */
export interface RegionRow {
  id: number;
  globalId: string;
  code: string;
  name: string;
  nameZh: string;
  level: RegionLevel;
  parent: { id: number } | null;
}
