/*
 * The plugin's migrations, one at a time, up and down, on SQLite and on
 * PostgreSQL, with rows in the tables: each step applies over the data the
 * steps before it left, rolling all back leaves no table of the plugin,
 * and migrating up again gives a working store.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import fs from 'node:fs';
import { openDatabase } from '.';

jest.setTimeout(120_000);

const postgresId = `POSTGRES_${
  process.env.TENANT_JOBS_TEST_PG_MAJOR ?? '15'
}` as TestDatabaseId;
const databases = TestDatabases.create({ ids: ['SQLITE_3', postgresId] });

const directory = resolvePackagePath(
  '@tenant-jobs/plugin-tenant-jobs-backend',
  'migrations',
);
const MIGRATIONS = fs
  .readdirSync(directory)
  .filter(name => name.endsWith('.js'))
  .sort();

async function pluginTables(knex: Awaited<ReturnType<TestDatabases['init']>>) {
  const names = [
    'tenant_jobs_runs',
    'tenant_jobs_audit',
    'tenant_jobs_run_logs',
    'tenant_jobs_schedules',
    'tenant_jobs_triggers',
  ];
  const present: string[] = [];
  for (const name of names) {
    if (await knex.schema.hasTable(name)) present.push(name);
  }
  return present;
}

describe.each(databases.eachSupportedId())('migrations on %s', databaseId => {
  it('migrate up and down one at a time over data, and up again', async () => {
    const knex = await databases.init(databaseId);
    const config = { directory };

    // Up, one at a time, with a run recorded after the first.
    for (const [i, name] of MIGRATIONS.entries()) {
      await knex.migrate.up(config);
      const [, pending] = await knex.migrate.list(config);
      expect(pending).toHaveLength(MIGRATIONS.length - i - 1);
      if (i === 0) {
        await knex('tenant_jobs_runs').insert({
          id: 'kept-run',
          tenant_id: 'acme',
          job_type: 'data-etl',
          tier: 'small',
          priority: 'normal',
          status: 'Succeeded',
          request: '{}',
          submitted_by: 'user:default/alice',
          cluster: 'local',
          namespace: 'tenant-acme',
          k8s_name: 'data-etl-acme-1',
          attempts: 1,
          created_at: new Date(),
          updated_at: new Date(),
        });
        // An audit entry in the words used before the run vocabulary.
        await knex('tenant_jobs_audit').insert({
          at: new Date(),
          actor: 'user:default/alice',
          action: 'job-submit',
          tenant_id: 'acme',
          run_id: 'kept-run',
          outcome: 'succeeded',
        });
      }
      expect(await knex.migrate.currentVersion(config)).toBe(
        name.split('_')[0],
      );
    }
    expect(
      (await knex('tenant_jobs_runs').where({ id: 'kept-run' })).length,
    ).toBe(1);
    // The audit trail reads in one vocabulary.
    expect(
      (await knex('tenant_jobs_audit').where({ run_id: 'kept-run' })).map(
        row => row.action,
      ),
    ).toEqual(['run-submit']);

    // Down, one at a time, to nothing of the plugin.
    for (let i = MIGRATIONS.length - 1; i >= 0; i--) {
      await knex.migrate.down(config);
    }
    expect(await knex.migrate.currentVersion(config)).toBe('none');
    expect(await pluginTables(knex)).toEqual([]);

    // And up again, as the plugin does: a working store.
    const { runs } = await openDatabase({
      database: mockServices.database({ knex }),
    });
    await runs.create({
      id: 'after',
      tenantId: 'acme',
      jobType: 'data-etl',
      tier: 'small',
      priority: 'normal',
      request: {},
      submittedBy: 'user:default/alice',
      cluster: 'local',
      namespace: 'tenant-acme',
      k8sName: 'data-etl-acme-2',
    });
    expect((await runs.get('after')).status).toBe('Queued');
    expect(await pluginTables(knex)).toHaveLength(5);
  });
});
