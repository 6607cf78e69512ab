import { Migration } from '@mikro-orm/migrations';

export class Migration20261201140000_audit extends Migration {

  override async up(): Promise<void> {
    // One row per change (mutation, import, key, lifecycle step), written in the change's own
    // transaction. Plain SQL, not an entity: it is only ever inserted, and read by SQL.
    this.addSql(`create table "audit_event" (
      "id" bigserial primary key,
      "at" timestamptz not null default now(),
      "key_id" int null,
      "key_name" text not null,
      "subject" text not null,
      "role" text not null,
      "actor_institution_id" int null,
      "actor_esco_id" int null,
      "request_id" text not null,
      "operation" text not null,
      "object_ids" text[] not null,
      "institution_ids" int[] not null default '{}',
      "esco_ids" int[] not null default '{}',
      "changes" jsonb not null);`);
    this.addSql(`create index "audit_event_at_idx" on "audit_event" ("at");`);
    this.addSql(`create index "audit_event_objects_idx" on "audit_event" using gin ("object_ids");`);
    this.addSql(`create index "audit_event_institutions_idx" on "audit_event" using gin ("institution_ids");`);
    this.addSql(`create index "audit_event_key_idx" on "audit_event" ("key_id", "id");`);
    // Append-only: the database itself refuses to change or remove a row, whoever asks.
    this.addSql(`create function ewc_audit_event_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_event is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
      end $$;`);
    this.addSql(`create trigger "audit_event_append_only" before update or delete or truncate on "audit_event"
      for each statement execute function ewc_audit_event_append_only();`);

    // Reads are counted, not audited: requests and rows returned per key and local day.
    this.addSql(`create table "key_usage" ("key_id" int not null, "day" date not null, "requests" bigint not null default 0,
      "rows" bigint not null default 0, primary key ("key_id", "day"));`);

    // A signed round shows the names it was signed with: frozen on each entry.
    this.addSql(`alter table "assessment_entry" add column "institution_name" varchar(255) null, add column "institution_name_zh" varchar(255) null, add column "credit_code" varchar(18) null;`);
    this.addSql(`update "assessment_entry" e set "institution_name" = i."name", "institution_name_zh" = i."name_zh", "credit_code" = i."credit_code" from "institution" i where i."id" = e."institution_id";`);
    this.addSql(`alter table "assessment_entry" alter column "institution_name" set not null, alter column "institution_name_zh" set not null, alter column "credit_code" set not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "assessment_entry" drop column "institution_name", drop column "institution_name_zh", drop column "credit_code";`);
    this.addSql(`drop table if exists "key_usage";`);
    this.addSql(`drop table if exists "audit_event";`);
    this.addSql(`drop function if exists ewc_audit_event_append_only();`);
  }

}
