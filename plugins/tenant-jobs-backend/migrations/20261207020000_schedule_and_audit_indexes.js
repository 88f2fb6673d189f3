/**
 * A schedule's runs newest first (`GET /runs?scheduleId=`, a schedule's
 * last run) and a tenant's audit entries newest first (`GET /audit` for a
 * tenant's members) read an index in their order instead of sorting.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('tenant_jobs_runs', table => {
    table.index(
      ['schedule_id', 'created_at', 'id'],
      'tenant_jobs_runs_schedule_created_idx',
    );
  });
  await knex.schema.alterTable('tenant_jobs_audit', table => {
    table.index(['tenant_id', 'id'], 'tenant_jobs_audit_tenant_id_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('tenant_jobs_audit', table => {
    table.dropIndex(['tenant_id', 'id'], 'tenant_jobs_audit_tenant_id_idx');
  });
  await knex.schema.alterTable('tenant_jobs_runs', table => {
    table.dropIndex(
      ['schedule_id', 'created_at', 'id'],
      'tenant_jobs_runs_schedule_created_idx',
    );
  });
};
