/**
 * Schedules: recurring runs of a job type, each a CronJob in the tenant's
 * namespace; the runs they create link back to them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('tenant_jobs_schedules', table => {
    table.comment('Recurring runs of a job type, as CronJobs');
    table.string('id').primary().comment('Server-generated schedule id');
    table.string('tenant_id').notNullable().comment('The tenant it belongs to');
    table.string('job_type').notNullable();
    table
      .text('request')
      .notNullable()
      .comment('The validated schedule request, as JSON');
    table.string('cron').notNullable().comment('Cron expression');
    table.string('time_zone').notNullable().comment('IANA time zone');
    table.boolean('paused').notNullable().defaultTo(false);
    table.string('cluster').notNullable();
    table.string('namespace').notNullable();
    table.string('cron_job_name').notNullable().comment('Its CronJob');
    table
      .string('created_by')
      .notNullable()
      .comment('Entity ref of its owner; runs are launched as them');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(
      ['tenant_id', 'created_at'],
      'tenant_jobs_schedules_tenant_idx',
    );
  });
  await knex.schema.alterTable('tenant_jobs_runs', table => {
    table
      .string('schedule_id')
      .nullable()
      .comment('The schedule that created the run, if any');
    table.index(['schedule_id'], 'tenant_jobs_runs_schedule_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('tenant_jobs_runs', table => {
    table.dropIndex(['schedule_id'], 'tenant_jobs_runs_schedule_idx');
    table.dropColumn('schedule_id');
  });
  await knex.schema.dropTable('tenant_jobs_schedules');
};
