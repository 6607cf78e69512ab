import { registerEnumType } from 'type-graphql';

export enum TargetKind {
  /** Share of new-energy vehicles among the vehicles an institution adds in the year. */
  NEV_SHARE_OF_ADDED = 'NEV_SHARE_OF_ADDED',
  /** Share of waste recycled (the recycling module reports it). */
  RECYCLING_RATE = 'RECYCLING_RATE',
}

export enum TargetStatus {
  MET = 'MET',
  BELOW = 'BELOW',
  /** Nothing to measure yet: no vehicle added in the period, or no waste recorded. */
  NO_DATA = 'NO_DATA',
  /** No module of the hub measures this target yet. */
  NOT_MEASURED = 'NOT_MEASURED',
}

registerEnumType(TargetKind, { name: 'TargetKind', description: 'What a yearly city target is set on.' });
registerEnumType(TargetStatus, { name: 'TargetStatus' });
