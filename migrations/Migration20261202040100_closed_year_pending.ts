import { Migration } from '@mikro-orm/migrations';

export class Migration20261202040100_closed_year_pending extends Migration {

  override async up(): Promise<void> {
    // Readings written into a closed year change no frozen figure: counted here until recalculateYear.
    this.addSql(`alter table "year_closure" add column "pending_rows" int not null default 0, add column "pending_since" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "year_closure" drop column "pending_rows", drop column "pending_since";`);
  }
}
