/*
 * A software template of this repository (templates/billing-report.yaml),
 * run through the real scaffolder backend's API with the Tenant Jobs
 * scaffolder module, against the tenant-jobs plugin on the local cluster as
 * its least-privilege ServiceAccount (see __testUtils__/harness.ts):
 *
 * - a tenant member's task ends with the Job in the tenant's namespace and
 *   the run linked to the task (the run's idempotency key names the task,
 *   the task's output names the run and links to it), the run's status
 *   changes in the task log;
 * - the same template run by a signed-in user outside the tenant fails with
 *   the permission error in the task log and creates nothing;
 * - the scaffolder's dry run reaches the backend as a dry run and creates
 *   nothing either;
 * - the onboarding template provisions a tenant's namespace;
 * - a failed task retried through the API finds its run in the step's
 *   checkpoint and submits nothing again.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderModuleTenantJobs from '@tenant-jobs/plugin-scaffolder-backend-module-tenant-jobs';
import request from 'supertest';
import {
  LABELS,
  namespaceOf,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  UserKey,
  waitFor,
} from './__testUtils__/harness';
import {
  billingReportValues,
  plain,
  readTemplate,
  runTask,
  TaskEvent,
  templateRefOf,
} from './__testUtils__/scaffolderTasks';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const APP_BASE_URL = 'http://localhost:3000';

const template = readTemplate('billing-report.yaml');
const TEMPLATE_REF = templateRefOf(template);

const onboarding = readTemplate('onboard-tenant.yaml');

/**
 * The billing report template with a one-second wait: its first attempt
 * fails while the job still runs, so the task can be retried.
 */
const impatient = structuredClone(template);
impatient.metadata = {
  ...impatient.metadata,
  name: 'tenant-jobs-billing-report-impatient',
};
impatient.spec.steps[0].input.timeoutSeconds = 1;

describe('Tenant Jobs templates through the scaffolder backend', () => {
  let env: TenantJobsTestEnv;
  let tenantA: string;

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({
      databases,
      // The onboarding template provisions a tenant as bob.
      provisionAllowed: true,
      extend: {
        features: [scaffolderPlugin, scaffolderModuleTenantJobs],
        entities: [template, onboarding, impatient],
        rootConfig: {
          app: { baseUrl: APP_BASE_URL },
          // Its task workers finish their tasks before the backend stops
          // (scripts/integration.sh runs this suite in a process of its
          // own, as other scaffolder work outlives the stop).
          scaffolder: { EXPERIMENTAL_gracefulShutdown: true },
        },
      },
    });
    tenantA = env.org.tenants.a;
  });

  afterAll(async () => {
    await env?.stop();
  });

  /** The form as the TenantJobPicker field and the pickers fill it in. */
  const values = () => billingReportValues(env, 'finished');

  async function runTemplate(
    user: UserKey,
    templateRef = TEMPLATE_REF,
    formValues: object = values(),
  ) {
    const { taskId, task, events, log } = await runTask(
      env,
      user,
      templateRef,
      formValues,
    );
    const completion = events.find(e => e.type === 'completion');
    return { taskId, task, log, completion };
  }

  it("runs the template as a tenant member: the Job is in the tenant's namespace and the run is linked to the task", async () => {
    const { taskId, task, log, completion } = await runTemplate('alice');

    expect([task.status, log]).toEqual(['completed', expect.any(Array)]);
    expect(task.createdBy).toBe(env.org.users.alice);

    // The run, as the tenant-jobs plugin recorded it.
    const rows = await env
      .knex('tenant_jobs_runs')
      .where({ tenant_id: tenantA })
      .select('id', 'idempotency_key', 'submitted_by', 'entity_ref', 'status');
    expect(rows).toHaveLength(1);
    const [run] = rows;
    expect(run).toMatchObject({
      // Linked to the task: the key names the task and its step.
      idempotency_key: expect.stringMatching(
        new RegExp(`^scaffolder:${taskId}:launch:[0-9a-f]{12}$`),
      ),
      // Submitted as alice, never as the scaffolder.
      submitted_by: env.org.users.alice,
      entity_ref: env.org.components.a.owned,
      status: 'Succeeded',
    });

    // The Job, in the tenant's namespace on the cluster.
    const jobs = await env.listJobs(tenantA, `${LABELS.runId}=${run.id}`);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].metadata).toMatchObject({
      namespace: namespaceOf(tenantA),
      labels: expect.objectContaining({
        [LABELS.tenant]: tenantA,
        [LABELS.type]: 'billing-report',
      }),
    });

    // The task names the run and links to its page.
    const link = `${APP_BASE_URL}/tenant-jobs?run=${run.id}`;
    expect(completion?.body.output).toMatchObject({
      links: expect.arrayContaining([
        expect.objectContaining({ title: 'Open the job', url: link }),
      ]),
      text: [
        expect.objectContaining({
          content: expect.stringContaining(
            `Run \`${run.id}\` is **Succeeded**`,
          ),
        }),
      ],
    });

    // The run's status changes, streamed into the task log.
    expect(log).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^Submitted run ${
              run.id
            } of billing-report for tenant '${tenantA}' as Job ${namespaceOf(
              tenantA,
            )}/`,
          ),
        ),
        `Follow the run at ${link}`,
        expect.stringMatching(new RegExp(`^Run ${run.id}: Succeeded`)),
        expect.stringMatching(new RegExp(`^Run ${run.id} finished: Succeeded`)),
      ]),
    );
  });

  it('fails for a signed-in user outside the tenant, with the permission error in the task log, creating nothing', async () => {
    const runsBefore = await env.countRuns(tenantA);
    const jobsBefore = await env.countJobs(tenantA);

    const { task, log } = await runTemplate('mallory');

    expect(task.status).toBe('failed');
    expect(log).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `You may not launch jobs for tenant '${tenantA}': you are not a member of it`,
        ),
      ]),
    );
    expect(await env.countRuns(tenantA)).toBe(runsBefore);
    expect(await env.countJobs(tenantA)).toBe(jobsBefore);
    const refusals = await env
      .knex('tenant_jobs_audit')
      .where({ action: 'run-submit', actor: env.org.users.mallory });
    expect(refusals.map(r => [r.tenant_id, r.outcome])).toEqual([
      [tenantA, 'refused'],
    ]);
  });

  it("sends the scaffolder's dry run to the backend as a dry run, creating nothing", async () => {
    const runsBefore = await env.countRuns(tenantA);
    const jobsBefore = await env.countJobs(tenantA);

    const res = await request(env.server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', env.as('alice'))
      .send({
        template,
        values: values(),
        secrets: {},
        directoryContents: [],
      });

    expect(res.status).toBe(200);
    const log = (res.body.log as { body: { message: string } }[]).map(e =>
      plain(e.body.message),
    );
    expect(log).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^Dry run: the billing-report job of tenant '${tenantA}' would run as Job ${namespaceOf(
              tenantA,
            )}/.*checked by the apiserver`,
          ),
        ),
      ]),
    );
    expect(log).toContain('Finished step Launch the job');
    expect(res.body.output.text[0].content).toContain('is **DryRun**');
    expect(await env.countRuns(tenantA)).toBe(runsBefore);
    expect(await env.countJobs(tenantA)).toBe(jobsBefore);
  });

  it("onboards a tenant: the template reads the Group's tenant id and provisions its namespace", async () => {
    // This suite's policy allows provisioning to every signed-in user; the
    // demo backend's keeps it to the platform team (policy.test.ts).
    const tenantB = env.org.tenants.b;
    const { task, log, completion } = await runTemplate(
      'bob',
      `template:default/${onboarding.metadata.name}`,
      { group: env.org.groups.b },
    );

    expect([task.status, log]).toEqual(['completed', expect.any(Array)]);
    expect(log).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^Provisioned tenant '${tenantB}' \\(plan 'basic', group ${
            env.org.groups.b
          }\\) in namespace ${namespaceOf(tenantB)} on cluster 'local'`,
        ),
      ),
    );
    const namespace = await env.admin.core.readNamespace({
      name: namespaceOf(tenantB),
    });
    expect(namespace.metadata?.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'tenant-jobs',
      [LABELS.tenant]: tenantB,
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    const quotas = await env.admin.core.listNamespacedResourceQuota({
      namespace: namespaceOf(tenantB),
    });
    expect(quotas.items.length).toBeGreaterThan(0);
    expect(completion?.body.output.text[0].content).toContain(
      `namespace\n\`${namespaceOf(tenantB)}\``,
    );
    const audit = await env
      .knex('tenant_jobs_audit')
      .where({ action: 'tenant-provision' });
    expect(audit.map(r => [r.actor, r.tenant_id, r.outcome])).toEqual([
      [env.org.users.bob, tenantB, 'succeeded'],
    ]);
  });

  it('a retried task does not submit again: the checkpoint hands the retry the run it already launched', async () => {
    const first = await runTemplate(
      'alice',
      `template:default/${impatient.metadata.name}`,
    );
    expect(first.task.status).toBe('failed');
    expect(first.log).toContainEqual(
      expect.stringMatching(/did not finish within 1s .*it goes on running/),
    );
    const key = new RegExp(`^scaffolder:${first.taskId}:launch:`);
    const runsOfTask = async () =>
      (
        await env
          .knex('tenant_jobs_runs')
          .where({ tenant_id: tenantA })
          .select('id', 'idempotency_key', 'status')
      ).filter(r => key.test(r.idempotency_key));
    const [run] = await runsOfTask();
    await waitFor(
      `run ${run.id} to succeed`,
      async () => (await runsOfTask())[0].status === 'Succeeded',
    );

    const retried = await request(env.server)
      .post(`/api/scaffolder/v2/tasks/${first.taskId}/retry`)
      .set('Authorization', env.as('alice'))
      .send({});
    expect(retried.status).toBe(201);
    const task = await waitFor(
      `task ${first.taskId} to end again`,
      async () => {
        const res = await request(env.server)
          .get(`/api/scaffolder/v2/tasks/${first.taskId}`)
          .set('Authorization', env.as('alice'));
        return ['completed', 'failed'].includes(res.body.status)
          ? res.body
          : undefined;
      },
      60_000,
    );
    const events = await request(env.server)
      .get(`/api/scaffolder/v2/tasks/${first.taskId}/events`)
      .set('Authorization', env.as('alice'));
    const log = (events.body as TaskEvent[])
      .filter(e => e.type === 'log')
      .map(e => plain(e.body.message));

    expect(task.status).toBe('completed');
    expect(await runsOfTask()).toEqual(
      [run].map(r => ({ ...r, status: 'Succeeded' })),
    );
    expect(log).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^Run ${run.id} was submitted by an earlier attempt of this task .*; not submitting again`,
        ),
      ),
    );
    expect(await env.countJobs(tenantA, `${LABELS.runId}=${run.id}`)).toBe(1);
  });
});
