/**
 * One vocabulary: a run is one execution. Audit actions recorded before
 * the rename (`job-submit`, `job-cancel`, `job-retry`) become `run-submit`,
 * `run-cancel` and `run-retry`, so the audit trail reads one way.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const verb of ['submit', 'cancel', 'retry']) {
    await knex('tenant_jobs_audit')
      .where({ action: `job-${verb}` })
      .update({ action: `run-${verb}` });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const verb of ['submit', 'cancel', 'retry']) {
    await knex('tenant_jobs_audit')
      .where({ action: `run-${verb}` })
      .update({ action: `job-${verb}` });
  }
};
