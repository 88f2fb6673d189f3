/*
 * Scaffolder tasks under the demo backend's real permission policy
 * (packages/backend/src/modules/permissionPolicy: deny by default, a task
 * is its creator's), through the real scaffolder backend with the Tenant
 * Jobs scaffolder module, against the tenant-jobs plugin on the local
 * cluster (see __testUtils__/harness.ts):
 *
 * - alice's task is hers: bob can neither read it, nor find it in a task
 *   list (not even asking for alice's tasks), nor read or follow its event
 *   stream (which names her run), nor cancel or retry it; alice can;
 * - a failed task's log shows the action's error without stack frames and
 *   without the backend's file paths, and its creator may read it.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderModuleTenantJobs from '@tenant-jobs/plugin-scaffolder-backend-module-tenant-jobs';
import request from 'supertest';
// The demo backend's policy module, as the demo installs it and adopters
// copy it (it reads permission.adminGroups; the test org has no admin).
// The demo backend is an app, not a package to depend on: its source, here.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import demoPermissionPolicy from '../../../../packages/backend/src/modules/permissionPolicy';
import {
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  UserKey,
} from './__testUtils__/harness';
import {
  billingReportValues,
  readTemplate,
  runTask,
  templateRefOf,
} from './__testUtils__/scaffolderTasks';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const APP_BASE_URL = 'http://localhost:3000';

const template = readTemplate('billing-report.yaml');
const TEMPLATE_REF = templateRefOf(template);

/** What the scaffolder answers a caller it refuses a task: not found, or not allowed. */
const REFUSED = [403, 404];

/** Stack frames as V8 prints them, and the backend's source and dependency paths. */
const FRAME = / {4}at /;
const SOURCE_PATHS = /\/src\/|node_modules/;

describe('scaffolder tasks under the demo permission policy', () => {
  let env: TenantJobsTestEnv;
  let tenantA: string;

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({
      databases,
      extend: {
        features: [scaffolderPlugin, scaffolderModuleTenantJobs],
        entities: [template],
        rootConfig: {
          app: { baseUrl: APP_BASE_URL },
          // Its task workers finish their tasks before the backend stops
          // (scripts/integration.sh runs this suite in a process of its
          // own, as other scaffolder work outlives the stop).
          scaffolder: { EXPERIMENTAL_gracefulShutdown: true },
        },
        permissionPolicy: demoPermissionPolicy,
      },
    });
    tenantA = env.org.tenants.a;
  });

  afterAll(async () => {
    await env?.stop();
  });

  /** The billing report for tenant a, returning as soon as the run is submitted. */
  const values = () => billingReportValues(env, 'none');

  const get = (user: UserKey | undefined, url: string) => {
    const req = request(env.server).get(url);
    return user ? req.set('Authorization', env.as(user)) : req;
  };
  const post = (user: UserKey, url: string) =>
    request(env.server).post(url).set('Authorization', env.as(user)).send({});

  /** Runs the template as `user` until the task ended; its events, as the creator reads them. */
  const runTemplate = (user: UserKey) =>
    runTask(env, user, TEMPLATE_REF, values());

  it("keeps alice's task from bob: no read, no list, no event stream, no cancel or retry", async () => {
    const alice = env.org.users.alice;
    const { taskId, task, log } = await runTemplate('alice');
    expect([task.status, task.createdBy]).toEqual(['completed', alice]);
    const submitted = log
      .map(line => /^Submitted run (\S+) of billing-report /.exec(line)?.[1])
      .find(Boolean);
    expect(submitted).toEqual(expect.any(String));
    const runId = submitted!;

    // The task itself: alice reads it, bob is refused and learns nothing.
    const mine = await get('alice', `/api/scaffolder/v2/tasks/${taskId}`);
    expect([mine.status, mine.body.id, mine.body.createdBy]).toEqual([
      200,
      taskId,
      alice,
    ]);
    const theirs = await get('bob', `/api/scaffolder/v2/tasks/${taskId}`);
    expect(REFUSED).toContain(theirs.status);
    expect(theirs.text).not.toContain(alice);
    expect(theirs.text).not.toContain(runId);
    expect(theirs.text).not.toContain(tenantA);

    // Task lists: alice's has it; bob's never does, not even asking for hers.
    const aliceList = await get('alice', '/api/scaffolder/v2/tasks');
    expect(aliceList.status).toBe(200);
    expect(aliceList.body.tasks.map((t: { id: string }) => t.id)).toContain(
      taskId,
    );
    const bobList = await get('bob', '/api/scaffolder/v2/tasks');
    expect(bobList.status).toBe(200);
    expect(bobList.body.tasks.map((t: { id: string }) => t.id)).not.toContain(
      taskId,
    );
    expect(
      bobList.body.tasks.filter(
        (t: { createdBy?: string }) => t.createdBy !== env.org.users.bob,
      ),
    ).toEqual([]);
    const bobAsksForAlices = await get(
      'bob',
      `/api/scaffolder/v2/tasks?createdBy=${encodeURIComponent(alice)}`,
    );
    expect(bobAsksForAlices.status).toBe(200);
    expect([
      bobAsksForAlices.body.tasks,
      bobAsksForAlices.body.totalTasks,
    ]).toEqual([[], 0]);

    // The events (with her run id) and the live event stream.
    const events = await get(
      'bob',
      `/api/scaffolder/v2/tasks/${taskId}/events`,
    );
    expect(REFUSED).toContain(events.status);
    expect(events.text).not.toContain(runId);
    const stream = await get(
      'bob',
      `/api/scaffolder/v2/tasks/${taskId}/eventstream`,
    );
    expect(REFUSED).toContain(stream.status);
    expect(stream.text).not.toContain(runId);

    // Nor may he cancel or retry it.
    const cancel = await post(
      'bob',
      `/api/scaffolder/v2/tasks/${taskId}/cancel`,
    );
    expect(REFUSED).toContain(cancel.status);
    const retry = await post('bob', `/api/scaffolder/v2/tasks/${taskId}/retry`);
    expect(REFUSED).toContain(retry.status);
    const after = await get('alice', `/api/scaffolder/v2/tasks/${taskId}`);
    expect(after.body.status).toBe('completed');

    // And a caller without credentials gets nothing at all.
    const anonymous = await get(
      undefined,
      `/api/scaffolder/v2/tasks/${taskId}`,
    );
    expect([401, 403]).toContain(anonymous.status);
    expect(anonymous.text).not.toContain(alice);
  });

  it("shows a failed task's error to its creator without stack frames or source paths", async () => {
    // bob is not a member of tenant a: the action fails with the refusal.
    const { taskId, task, events, log } = await runTemplate('bob');
    expect(task.status).toBe('failed');
    expect(task.createdBy).toBe(env.org.users.bob);

    const failure = new RegExp(
      `^\\w+: Could not launch the billing-report job of tenant '${tenantA}': You may not launch jobs for tenant '${tenantA}': you are not a member of it$`,
    );
    expect(log).toContainEqual(expect.stringMatching(failure));
    for (const line of log) {
      expect(line).not.toMatch(FRAME);
      expect(line).not.toMatch(SOURCE_PATHS);
    }
    // Nor anywhere else in the events (e.g. the completion's error).
    const everything = JSON.stringify(events);
    expect(everything).not.toMatch(FRAME);
    expect(everything).not.toMatch(SOURCE_PATHS);

    // The failed task stays bob's: alice cannot read it either.
    const byAlice = await get('alice', `/api/scaffolder/v2/tasks/${taskId}`);
    expect(REFUSED).toContain(byAlice.status);
  });
});
