import { Migration } from '@mikro-orm/migrations';

/**
 * The fleet tables move data versions like the others: indicators now read them (vehicle energy is
 * part of energyKgce), and the response cache keeps no answer that read an untracked table.
 */
export class Migration20261204090000_fleet_data_version extends Migration {

  override async up(): Promise<void> {
    for (const t of ['vehicle', 'charging_point', 'vehicle_energy_record']) this.addSql(`select ewc_track_data_version('${t}'::regclass);`);
  }

  override async down(): Promise<void> {
    for (const t of ['vehicle', 'charging_point', 'vehicle_energy_record']) this.addSql(`drop trigger if exists "data_version_${t}" on "${t}";`);
  }
}
