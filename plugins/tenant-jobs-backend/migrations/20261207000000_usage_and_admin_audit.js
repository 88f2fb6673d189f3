/**
 * Usage for chargeback, and admin actions told apart in the audit trail.
 *
 * - Each finished run records what it used: its pods' requests times the
 *   time their job containers ran, as the tracker saw them (null until the
 *   run finishes, or for runs finished before this migration).
 * - Each audit entry says whether the actor acted as the platform team on
 *   a tenant it is not a member of.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('tenant_jobs_runs', table => {
    table
      .double('usage_cpu_core_seconds')
      .nullable()
      .comment('CPU cores requested times seconds run, once finished');
    table
      .double('usage_memory_gib_seconds')
      .nullable()
      .comment('Memory GiB requested times seconds run, once finished');
    table
      .double('usage_gpu_seconds')
      .nullable()
      .comment('GPUs requested times seconds run, once finished');
  });
  await knex.schema.alterTable('tenant_jobs_audit', table => {
    table
      .boolean('as_admin')
      .notNullable()
      .defaultTo(false)
      .comment('Whether the actor acted as the platform team');
    table.index(['actor', 'at'], 'tenant_jobs_audit_actor_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('tenant_jobs_audit', table => {
    table.dropIndex(['actor', 'at'], 'tenant_jobs_audit_actor_at_idx');
    table.dropColumn('as_admin');
  });
  await knex.schema.alterTable('tenant_jobs_runs', table => {
    table.dropColumn('usage_cpu_core_seconds');
    table.dropColumn('usage_memory_gib_seconds');
    table.dropColumn('usage_gpu_seconds');
  });
};
