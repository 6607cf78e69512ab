import { Migration } from '@mikro-orm/migrations';

/** The freeze of a closed year's fleet: its vehicles and refuellings and chargings as they were when it was closed (or last recalculated). */
const FREEZE_VEHICLES = `insert into "closed_vehicle" (year, id, institution_id, new_energy, in_service_on, out_of_service_on)
  select c.year, v.id, v.institution_id, v.new_energy, v.in_service_on, v.out_of_service_on
    from "year_closure" c join "vehicle" v on v.in_service_on < make_date(c.year + 1, 1, 1) and (v.out_of_service_on is null or v.out_of_service_on >= make_date(c.year, 1, 1));`;
const FREEZE_ENERGY = `insert into "closed_vehicle_energy" (year, vehicle_id, day, energy, quantity, km, unmetered)
  select c.year, r.vehicle_id, r.day, r.energy, r.quantity, r.km, r.unmetered
    from "year_closure" c join (
      select e.vehicle_id, e.day, e.energy, e.quantity,
             e.odometer_km - lag(e.odometer_km) over (partition by e.vehicle_id order by e.day, e.odometer_km) as km,
             (e.energy <> 'ELECTRICITY' or cp.id is null or (cp.meter_id is null and not cp.behind_building_meter)) as unmetered
        from "vehicle_energy_record" e left join "charging_point" cp on cp.id = e.charging_point_id) r
      on r.day >= make_date(c.year, 1, 1) and r.day < make_date(c.year + 1, 1, 1);`;

export class Migration20261205001000_fleet_close extends Migration {

  override async up(): Promise<void> {
    // A closed year's fleet figures read these: the vehicles of the year with their service dates, and its records with
    // the km each drove (fill-up method, from the vehicle's record before) and whether a meter already measured its kWh.
    this.addSql(`create table "closed_vehicle" ("year" smallint not null, "id" int not null, "institution_id" int not null, "new_energy" boolean not null, "in_service_on" date not null, "out_of_service_on" date null, primary key ("year", "id"));`);
    this.addSql(`create table "closed_vehicle_energy" ("year" smallint not null, "vehicle_id" int not null, "day" date not null, "energy" "vehicle_energy" not null, "quantity" numeric(12,3) not null, "km" numeric(11,1) null, "unmetered" boolean not null);`);
    this.addSql(`create index "closed_vehicle_energy_year_vehicle_id_index" on "closed_vehicle_energy" ("year", "vehicle_id");`);
    // Years closed before this migration freeze the fleet they hold now.
    this.addSql(FREEZE_VEHICLES);
    this.addSql(FREEZE_ENERGY);
    for (const t of ['closed_vehicle', 'closed_vehicle_energy']) this.addSql(`select ewc_track_data_version('${t}'::regclass);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "closed_vehicle_energy";`);
    this.addSql(`drop table if exists "closed_vehicle";`);
  }

}
