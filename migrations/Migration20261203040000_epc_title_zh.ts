import { Migration } from '@mikro-orm/migrations';

export class Migration20261203040000_epc_title_zh extends Migration {

  override async up(): Promise<void> {
    // Contract titles in Chinese beside the registered title: the dashboard shows each reader their language.
    this.addSql(`alter table "epc_contract" add column "title_zh" varchar(255) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "epc_contract" drop column "title_zh";`);
  }
}
