import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261124180701_initial } from './Migration20261124180701_initial';
import { Migration20261124213921_accounting } from './Migration20261124213921_accounting';
import { Migration20261124221621_programmes } from './Migration20261124221621_programmes';
import { Migration20261124230000_events } from './Migration20261124230000_events';
import { Migration20261125021000_partitions } from './Migration20261125021000_partitions';
import { Migration20261125073000_reference_version } from './Migration20261125073000_reference_version';
import { Migration20261125080000_closed_year } from './Migration20261125080000_closed_year';
import { Migration20261201140000_audit } from './Migration20261201140000_audit';
import { Migration20261201150000_budgets } from './Migration20261201150000_budgets';
import { Migration20261201170000_caltrack } from './Migration20261201170000_caltrack';
import { Migration20261202040000_effective_at } from './Migration20261202040000_effective_at';
import { Migration20261202040100_closed_year_pending } from './Migration20261202040100_closed_year_pending';
import { Migration20261202050000_data_version } from './Migration20261202050000_data_version';
import { Migration20261202080000_fleet } from './Migration20261202080000_fleet';
import { Migration20261202090000_reading_set_checks } from './Migration20261202090000_reading_set_checks';
import { Migration20261203040000_epc_title_zh } from './Migration20261203040000_epc_title_zh';
import { Migration20261203050000_exact_sums } from './Migration20261203050000_exact_sums';
import { Migration20261204060000_mv_figures } from './Migration20261204060000_mv_figures';
import { Migration20261204090000_fleet_data_version } from './Migration20261204090000_fleet_data_version';
import { Migration20261204091000_city_target } from './Migration20261204091000_city_target';
import { Migration20261204100000_recycling } from './Migration20261204100000_recycling';

/** Applied in this order; `npm run cli -- migration:create` writes the next file, then list it here. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261124180701_initial', class: Migration20261124180701_initial },
  { name: 'Migration20261124213921_accounting', class: Migration20261124213921_accounting },
  { name: 'Migration20261124221621_programmes', class: Migration20261124221621_programmes },
  { name: 'Migration20261124230000_events', class: Migration20261124230000_events },
  { name: 'Migration20261125021000_partitions', class: Migration20261125021000_partitions },
  { name: 'Migration20261125073000_reference_version', class: Migration20261125073000_reference_version },
  { name: 'Migration20261125080000_closed_year', class: Migration20261125080000_closed_year },
  { name: 'Migration20261201140000_audit', class: Migration20261201140000_audit },
  { name: 'Migration20261201150000_budgets', class: Migration20261201150000_budgets },
  { name: 'Migration20261201170000_caltrack', class: Migration20261201170000_caltrack },
  { name: 'Migration20261202040000_effective_at', class: Migration20261202040000_effective_at },
  { name: 'Migration20261202040100_closed_year_pending', class: Migration20261202040100_closed_year_pending },
  { name: 'Migration20261202050000_data_version', class: Migration20261202050000_data_version },
  { name: 'Migration20261202080000_fleet', class: Migration20261202080000_fleet },
  { name: 'Migration20261202090000_reading_set_checks', class: Migration20261202090000_reading_set_checks },
  { name: 'Migration20261203040000_epc_title_zh', class: Migration20261203040000_epc_title_zh },
  { name: 'Migration20261203050000_exact_sums', class: Migration20261203050000_exact_sums },
  { name: 'Migration20261204060000_mv_figures', class: Migration20261204060000_mv_figures },
  { name: 'Migration20261204090000_fleet_data_version', class: Migration20261204090000_fleet_data_version },
  { name: 'Migration20261204091000_city_target', class: Migration20261204091000_city_target },
  { name: 'Migration20261204100000_recycling', class: Migration20261204100000_recycling },
];
