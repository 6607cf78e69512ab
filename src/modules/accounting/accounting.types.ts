/* Closed years and recalculations as reads give them: plain rows with what the GraphQL types read (see InstitutionRow). */

/** A closed year; `globalId` is made of the year. */
export interface YearClosureRow {
  year: number;
  /** The Relay id (`id` in the schema). */
  globalId: string;
  closedBy: string;
  closedAt: Date;
  energyKgce: number;
  emissionsKgCo2: number;
  pendingRows: number;
  pendingSince: Date | null;
  /** pendingRows > 0, as the entity's getter gives it. */
  pendingRecalculation: boolean;
}

/** A recalculation of a closed year. */
export interface YearRecalculationRow {
  id: number;
  globalId: string;
  year: number;
  recalculatedBy: string;
  reason: string | null;
  at: Date;
  oldEnergyKgce: number;
  newEnergyKgce: number;
  oldEmissionsKgCo2: number;
  newEmissionsKgCo2: number;
}
