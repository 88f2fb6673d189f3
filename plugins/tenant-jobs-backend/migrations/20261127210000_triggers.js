/**
 * Trigger rules: events of a topic that match a filter launch a job, as
 * the rule's owner, with parameters taken from the event.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('tenant_jobs_triggers', table => {
    table.comment('Event-driven launches of tenant jobs');
    table.string('id').primary().comment('Server-generated rule id');
    table.string('tenant_id').notNullable();
    table.string('topic').notNullable().comment('Events topic it listens to');
    table.text('request').notNullable().comment('The validated rule, as JSON');
    table
      .string('created_by')
      .notNullable()
      .comment('Entity ref of its owner; runs are launched as them');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.integer('launched').notNullable().defaultTo(0);
    table
      .text('dropped')
      .notNullable()
      .defaultTo('{}')
      .comment(
        'Matching events that launched nothing, counted by reason, as JSON',
      );
    table.index(['topic'], 'tenant_jobs_triggers_topic_idx');
    table.index(['tenant_id'], 'tenant_jobs_triggers_tenant_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('tenant_jobs_triggers');
};
