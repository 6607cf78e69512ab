import { Migration } from '@mikro-orm/migrations';

export class Migration20261124230000_events extends Migration {

  override async up(): Promise<void> {
    // Events too big for a NOTIFY (8,000 bytes): the notification carries the id, the receiver reads the row.
    this.addSql(`create table "event_payload" ("id" bigserial primary key, "topic" text not null, "payload" jsonb not null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "event_payload_created_at_index" on "event_payload" ("created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "event_payload";`);
  }

}
