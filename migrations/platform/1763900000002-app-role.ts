import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnlySql, appRoleGrantsSql, APP_ROLE } from '@platform/database/context-schema';

/**
 * The role the application runs as. Roles are cluster-wide, so it is created only when
 * missing; the migrating user is made a member so the app's connections can SET ROLE.
 */
export class AppRole1763900000002 implements MigrationInterface {
  name = 'AppRole1763900000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`do $$ begin
      if not exists (select from pg_roles where rolname = '${APP_ROLE}') then create role ${APP_ROLE} nologin; end if;
    end $$`);
    await q.query(`do $$ begin
      if not pg_has_role(current_user, '${APP_ROLE}', 'member') then execute 'grant ${APP_ROLE} to ' || quote_ident(current_user); end if;
    end $$`);
    for (const sql of [...appRoleGrantsSql('platform'), ...appendOnlySql('platform.dead_letters')]) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`revoke all on all tables in schema platform from ${APP_ROLE}`);
    await q.query(`revoke usage on schema platform from ${APP_ROLE}`);
  }
}
