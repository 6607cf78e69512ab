import { Migration } from '@mikro-orm/migrations';

export class Migration20261205002000_fleet_close_figures extends Migration {

  override async up(): Promise<void> {
    // A closed year's refuellings and chargings keep the kgce, kgCO2 and metered kWh the factor versions gave them at closing,
    // so a later factor version moves its fleet figures no more than its energy figures. Rows frozen before this migration have
    // none and are read with the factor tables until the year is recalculated.
    this.addSql(`alter table "closed_vehicle_energy" add column "kgce" numeric null, add column "kg_co2" numeric null, add column "metered_kwh" numeric null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "closed_vehicle_energy" drop column "kgce", drop column "kg_co2", drop column "metered_kwh";`);
  }

}
