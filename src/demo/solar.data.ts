/**
 * Demo rooftop PV projects on Shaoyang public buildings.
 *
 * Synthetic split of the case's published totals, not real projects. Source: the case article, as
 * summarised in docs/domain.md (rooftop PV): by August 2023, 43 projects built or
 * under construction, about 48.95 million yuan invested, about 8.65 million kWh expected a year and
 * about 6,266 t CO2 avoided a year as reported by the projects. The rows below add up to exactly
 * those figures (48,950,000.00 yuan; 8,650,000 kWh; 6,266.0 t). Which institution hosts which
 * project, capacities, dates and financing are invented for the demo.
 *
 * The rows (pv-projects.json) were generated once by a small deterministic (seeded) script:
 * - capacity on hospitals, schools and large offices; at most 2 projects per institution; capacity
 *   well below floorAreaM2 * 0.06 kWp;
 * - expected yield 990 to 1,070 kWh per kWp a year (Hunan), total kWh fixed on the last row;
 * - investment 5,470 to 6,530 yuan per kWp (smaller systems cost more), rounded to the yuan;
 * - reportedAnnualCo2T is the project's own figure: 0.709 to 0.749 kg per kWh per project, 0.724
 *   overall as implied by the case (6,266 t / 8.65 GWh). It is higher than any published grid
 *   factor; keep it apart from CO2 computed with a factor version.
 */

import rows from './pv-projects.json';

export interface DemoPvProject {
  /** A DEMO_INSTITUTIONS key. */
  institution: string;
  name: string;
  nameZh: string;
  /** Installed capacity, kWp. */
  capacityKw: number;
  /** Yuan, decimal string with 2 decimals. */
  investmentYuan: string;
  financing: 'SELF_FUNDED' | 'EPC' | 'LEASE';
  status: 'OPERATING' | 'UNDER_CONSTRUCTION';
  /** Construction start, YYYY-MM-DD. */
  startedOn: string;
  /** YYYY-MM-DD for OPERATING projects, null while under construction. */
  commissionedOn: string | null;
  expectedAnnualKwh: number;
  /** Avoided CO2 in t a year, as reported by the project (not computed with a grid factor). */
  reportedAnnualCo2T: number;
}

/** The 43 rows, as plain data in pv-projects.json. */
export const DEMO_PV_PROJECTS: readonly DemoPvProject[] = rows as DemoPvProject[];
