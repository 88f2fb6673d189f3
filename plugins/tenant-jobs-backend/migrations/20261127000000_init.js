/**
 * Runs (one per submission) and the audit trail of the Tenant Jobs plugin.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('tenant_jobs_runs', table => {
    table.comment('One submission of a tenant job and what became of it');
    table
      .string('id')
      .primary()
      .notNullable()
      .comment('Server-generated run id (uuid)');
    table
      .string('tenant_id')
      .notNullable()
      .comment('Tenant id (DNS-1123 label)');
    table
      .string('job_type')
      .notNullable()
      .comment('Job type id, e.g. data-etl');
    table
      .string('tier')
      .notNullable()
      .comment('Resource tier the job runs with');
    table
      .string('priority')
      .notNullable()
      .comment('Priority: critical, high, normal, low or batch');
    table
      .string('status')
      .notNullable()
      .comment('Queued, Pending, Running, Succeeded, Failed or Cancelled');
    table
      .string('reason')
      .nullable()
      .comment('Machine-readable reason of the last transition');
    table
      .text('message')
      .nullable()
      .comment('Human-readable detail of the last transition');
    table
      .text('request')
      .notNullable()
      .comment('The validated request, as JSON');
    table
      .string('entity_ref')
      .nullable()
      .comment('Catalog entity the job was launched from');
    table
      .string('submitted_by')
      .notNullable()
      .comment('User entity ref of the submitter');
    table
      .string('idempotency_key')
      .nullable()
      .comment('Client key; one run per tenant and key');
    table.string('cluster').notNullable().comment('Cluster name from config');
    table.string('namespace').notNullable().comment('Tenant namespace');
    table.string('k8s_name').notNullable().comment('Name of the Job object');
    table
      .string('k8s_uid')
      .nullable()
      .comment('uid of the Job object once created');
    table
      .integer('attempts')
      .notNullable()
      .defaultTo(0)
      .comment('Pods started so far');
    table.string('retry_of').nullable().comment('Run id this run retries');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .comment('When it was submitted');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .comment('Last change');
    table
      .timestamp('started_at', { useTz: true })
      .nullable()
      .comment('First pod running');
    table
      .timestamp('finished_at', { useTz: true })
      .nullable()
      .comment('Succeeded, Failed or Cancelled');
    table.unique(['tenant_id', 'idempotency_key'], {
      indexName: 'tenant_jobs_runs_idempotency_idx',
    });
    table.unique(['cluster', 'namespace', 'k8s_name'], {
      indexName: 'tenant_jobs_runs_k8s_name_idx',
    });
    table.index(
      ['tenant_id', 'created_at'],
      'tenant_jobs_runs_tenant_created_idx',
    );
    table.index(['status'], 'tenant_jobs_runs_status_idx');
  });

  await knex.schema.createTable('tenant_jobs_audit', table => {
    table.comment('Who did what to which tenant job, and how it ended');
    table.bigIncrements('id').primary().comment('Sequence');
    table.timestamp('at', { useTz: true }).notNullable().comment('When');
    table
      .string('actor')
      .notNullable()
      .comment('Entity ref of the user or service');
    table
      .string('action')
      .notNullable()
      .comment('job-submit, job-cancel, job-retry');
    table
      .string('tenant_id')
      .nullable()
      .comment('Tenant concerned, when known');
    table
      .string('run_id')
      .nullable()
      .comment('Run concerned, when there is one');
    table
      .string('outcome')
      .notNullable()
      .comment('succeeded, refused or failed');
    table.text('detail').nullable().comment('Reason or details, as JSON');
    table.index(['tenant_id', 'at'], 'tenant_jobs_audit_tenant_at_idx');
    table.index(['run_id'], 'tenant_jobs_audit_run_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('tenant_jobs_audit');
  await knex.schema.dropTable('tenant_jobs_runs');
};
