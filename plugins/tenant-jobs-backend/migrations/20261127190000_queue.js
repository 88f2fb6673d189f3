/**
 * The per-tenant queue: a run holds one of its tenant's slots once it is
 * released (`released_at`); queued runs are released highest priority
 * first (`priority_value`, the PriorityClass value), then oldest.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('tenant_jobs_runs', table => {
    table
      .timestamp('released_at', { useTz: true })
      .nullable()
      .comment(
        'When the run got a slot of its tenant; null while it waits in the queue',
      );
    table
      .integer('priority_value')
      .notNullable()
      .defaultTo(0)
      .comment('Value of its PriorityClass; the queue releases higher first');
    table.index(
      ['tenant_id', 'status', 'released_at'],
      'tenant_jobs_runs_queue_idx',
    );
  });
  // Runs from before the queue held their slot from the start.
  await knex('tenant_jobs_runs')
    .whereIn('status', ['Queued', 'Pending', 'Running'])
    .update({ released_at: knex.ref('created_at') });
  const values = {
    critical: 1000000,
    high: 100000,
    normal: 10000,
    low: 1000,
    batch: 100,
  };
  for (const [priority, value] of Object.entries(values)) {
    await knex('tenant_jobs_runs')
      .where({ priority })
      .update({ priority_value: value });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('tenant_jobs_runs', table => {
    table.dropIndex(
      ['tenant_id', 'status', 'released_at'],
      'tenant_jobs_runs_queue_idx',
    );
    table.dropColumn('released_at');
    table.dropColumn('priority_value');
  });
};
