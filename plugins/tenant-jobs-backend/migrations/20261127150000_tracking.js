/**
 * Tracking: what the tracker last saw of a run's Job and pods, and the
 * archive of a finished run's logs and events, kept after Kubernetes
 * deletes its Job.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('tenant_jobs_runs', table => {
    table
      .bigInteger('observed_version')
      .nullable()
      .comment(
        'resourceVersion of the newest Job or pod observation applied; older ones are ignored',
      );
    table
      .text('observed')
      .nullable()
      .comment('Job conditions and pods (attempts) last observed, as JSON');
    table
      .text('archived_events')
      .nullable()
      .comment('Events of the Job and its pods archived when it finished, as JSON');
    table
      .timestamp('archived_at', { useTz: true })
      .nullable()
      .comment('When logs and events were archived');
    table.index(['created_at', 'id'], 'tenant_jobs_runs_created_idx');
    table.index(['cluster', 'status'], 'tenant_jobs_runs_cluster_status_idx');
    table.index(
      ['entity_ref', 'created_at'],
      'tenant_jobs_runs_entity_created_idx',
    );
    table.index(['finished_at'], 'tenant_jobs_runs_finished_idx');
  });

  await knex.schema.createTable('tenant_jobs_run_logs', table => {
    table.comment('The tail of each pod log of a finished run');
    table
      .string('run_id')
      .notNullable()
      .references('id')
      .inTable('tenant_jobs_runs')
      .onDelete('CASCADE')
      .comment('The run');
    table.string('pod_name').notNullable().comment('The pod (one attempt)');
    table.text('log').notNullable().comment('The tail of its log');
    table
      .boolean('truncated')
      .notNullable()
      .defaultTo(false)
      .comment('Whether older lines were cut to fit the configured size');
    table
      .timestamp('archived_at', { useTz: true })
      .notNullable()
      .comment('When it was archived');
    table.primary(['run_id', 'pod_name']);
    table.index(['archived_at'], 'tenant_jobs_run_logs_archived_idx');
  });

  await knex.schema.alterTable('tenant_jobs_audit', table => {
    table.index(['at'], 'tenant_jobs_audit_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('tenant_jobs_audit', table => {
    table.dropIndex(['at'], 'tenant_jobs_audit_at_idx');
  });
  await knex.schema.dropTable('tenant_jobs_run_logs');
  await knex.schema.alterTable('tenant_jobs_runs', table => {
    table.dropIndex(['finished_at'], 'tenant_jobs_runs_finished_idx');
    table.dropIndex(
      ['entity_ref', 'created_at'],
      'tenant_jobs_runs_entity_created_idx',
    );
    table.dropIndex(['cluster', 'status'], 'tenant_jobs_runs_cluster_status_idx');
    table.dropIndex(['created_at', 'id'], 'tenant_jobs_runs_created_idx');
    table.dropColumn('archived_at');
    table.dropColumn('archived_events');
    table.dropColumn('observed');
    table.dropColumn('observed_version');
  });
};
