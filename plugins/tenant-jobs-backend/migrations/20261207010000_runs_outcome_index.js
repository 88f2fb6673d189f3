/**
 * How each tenant's runs of the last days ended (the platform view's
 * success rate) is read by status and finish time: with 100,000 runs the
 * status index alone walks every finished run.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('tenant_jobs_runs', table => {
    table.index(
      ['status', 'finished_at', 'tenant_id'],
      'tenant_jobs_runs_status_finished_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('tenant_jobs_runs', table => {
    table.dropIndex(
      ['status', 'finished_at', 'tenant_id'],
      'tenant_jobs_runs_status_finished_idx',
    );
  });
};
