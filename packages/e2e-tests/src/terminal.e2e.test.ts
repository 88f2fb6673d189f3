/*
 * Tenant jobs from a terminal, against the demo portal the e2e driver runs
 * (the backend and app of `make dev`, on app-config.yaml): each user signs
 * in with `make login` (backstage-cli auth login: the CLI prints an
 * address, the user approves the Backstage CLI in the portal), then the
 * seed's make targets and `backstage-cli actions` act as that user.
 *
 * - alice: health-check; a dry run that creates nothing; an ML training run
 *   launched and followed with monitor-job to Succeeded, its log printed;
 *   list-jobs by filter; `actions list` and `actions execute`; a refusal in
 *   words; a backup restored (preview first) and backed up again.
 * - bob sees none of alice's runs and cannot follow or back up hers.
 * - after logout, a target says to sign in.
 *
 * The transcript is printed at the end; screenshot: cli-login-consent.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Browser } from 'playwright-core';
import { ARTIFACTS_DIR, launchBrowser } from './browser';
import { Outcome, Terminal } from './terminal';

jest.setTimeout(300_000);

const TENANT = 'acme-analytics';

/**
 * The exit code of the command below make: make itself exits 2 on any
 * failure, and says `Error <code>` of the recipe that failed.
 */
function exitOf(outcome: Outcome): number {
  if (outcome.code === 0) return 0;
  const code = outcome.stderr.match(/\] Error (\d+)$/m)?.[1];
  return code ? Number(code) : outcome.code;
}

/** The run id a create target printed. */
function launchedRun(outcome: Outcome): string {
  const id = outcome.stdout.match(/Launched run ([0-9a-f-]{36})/)?.[1];
  if (!id)
    throw new Error(`no run launched:\n${outcome.stdout}${outcome.stderr}`);
  return id;
}

/** The run ids of `make list-jobs OUTPUT=json …`. */
async function listed(terminal: Terminal, args: string[] = []) {
  // Bookkeeping of the test: left out of the transcript
  const outcome = await terminal.run(
    'make',
    ['-s', 'list-jobs', 'OUTPUT=json', 'LIMIT=200', ...args],
    { unrecorded: true },
  );
  expect(outcome.code).toBe(0);
  return (JSON.parse(outcome.stdout).items as Array<{ id: string }>).map(
    run => run.id,
  );
}

describe('make targets and backstage-cli, as the signed-in user', () => {
  let browser: Browser;
  const alice = new Terminal();
  const bob = new Terminal();
  let runId: string;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    // eslint-disable-next-line no-console
    console.log(
      [
        '--- alice ---',
        ...alice.transcript,
        '--- bob ---',
        ...bob.transcript,
      ].join('\n'),
    );
    alice.remove();
    bob.remove();
  });

  it('signs alice in through the portal with make login', async () => {
    const outcome = await alice.login(browser, 'alice', 'cli-login-consent');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('Login successful');
    expect(
      fs.existsSync(path.join(ARTIFACTS_DIR, 'cli-login-consent.png')),
    ).toBe(true);

    const health = await alice.make(['-s', 'health-check'], 'alice');
    expect(health.code).toBe(0);
    expect(health.stdout).toMatch(
      /^ok +backend: http:\/\/localhost:7007 ready$/m,
    );
    expect(health.stdout).toMatch(/^ok +tenant-jobs: ok$/m);
    expect(health.stdout).toMatch(
      /^ok +signed in: user:default\/alice, tenants acme-analytics$/m,
    );
  });

  it('launches nothing on a dry run, and names a missing variable', async () => {
    const before = await listed(alice);
    const dry = await alice.make(
      [
        '-s',
        'create-etl-job',
        `TENANT_ID=${TENANT}`,
        'SOURCE=events-db',
        'DESTINATION=warehouse',
        'DRY_RUN=true',
      ],
      'alice',
    );
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      `Dry run of data-etl in ${TENANT}: allowed, nothing was created.`,
    );
    expect(await listed(alice)).toEqual(before);

    const missing = await alice.make(['-s', 'create-ml-job'], 'alice');
    expect(exitOf(missing)).toBe(2);
    expect(missing.stderr).toContain(
      'error: set MODEL (name of the model to train, e.g. recommender-v2), DATASET (',
    );
  });

  it('launches an ML training run and follows it to Succeeded with its log', async () => {
    const launched = await alice.make(
      [
        '-s',
        'create-ml-job',
        `TENANT_ID=${TENANT}`,
        'PRIORITY=high',
        'RESOURCE_TIER=xlarge',
        'MODEL=resnet',
        'DATASET=images-2026',
        'EPOCHS=2',
      ],
      'alice',
    );
    expect(launched.code).toBe(0);
    expect(launched.stdout).toContain(
      'Parameters from model (MODEL), dataset (DATASET), epochs (EPOCHS)',
    );
    runId = launchedRun(launched);
    expect(launched.stdout).toContain(
      `ml-training in ${TENANT}, tier xlarge, priority high`,
    );

    const monitored = await alice.make(
      ['-s', 'monitor-job', `RUN=${runId}`],
      'alice',
    );
    expect(monitored.code).toBe(0);
    expect(monitored.stdout).toContain('tenant-jobs simulated container: done');
    expect(monitored.stdout).toMatch(
      new RegExp(`ml-training in ${TENANT} {2}Succeeded · Completed`),
    );
    expect(monitored.stdout).toContain(`Run ${runId} succeeded after`);

    expect(await listed(alice, ['FILTER=succeeded'])).toContain(runId);
    expect(await listed(alice, ['FILTER=running'])).not.toContain(runId);
    const table = await alice.make(
      ['-s', 'list-jobs', 'FILTER=succeeded'],
      'alice',
    );
    expect(table.stdout).toMatch(
      new RegExp(
        `^${runId} +${TENANT} +ml-training +Succeeded +high +xlarge `,
        'm',
      ),
    );
  });

  it("runs the plugin's actions with backstage-cli actions list and execute", async () => {
    const list = await alice.run('yarn', ['backstage-cli', 'actions', 'list'], {
      user: 'alice',
    });
    expect(list.code).toBe(0);
    for (const id of ['launch-run', 'get-run', 'list-runs', 'tail-run-logs']) {
      expect(list.stdout).toContain(`tenant-jobs:${id}`);
    }
    const got = await alice.run(
      'yarn',
      [
        'backstage-cli',
        'actions',
        'execute',
        'tenant-jobs:get-run',
        '--runId',
        runId,
      ],
      { user: 'alice' },
    );
    expect(got.code).toBe(0);
    const { run } = JSON.parse(got.stdout.slice(got.stdout.indexOf('{')));
    expect(run).toMatchObject({
      id: runId,
      status: 'Succeeded',
      submittedBy: 'user:default/alice',
    });
  });

  it("refuses what alice may not do in the REST API's words", async () => {
    const elsewhere = await alice.make(
      ['-s', 'create-billing-job', 'TENANT_ID=globex-retail', 'PERIOD=2026-11'],
      'alice',
    );
    expect(exitOf(elsewhere)).toBe(1);
    expect(elsewhere.stderr).toMatch(
      /^error: NotAllowedError: .*globex-retail/m,
    );
  });

  it('restores a backup after a preview, and backs it up again', async () => {
    const file = path.join(alice.home, 'restore.yaml');
    fs.writeFileSync(
      file,
      [
        'apiVersion: tenant-jobs.io/v1',
        'kind: TenantJobsConfiguration',
        `tenant: ${TENANT}`,
        'schedules:',
        '  - jobType: billing-report',
        "    cron: '15 4 1 * *'",
        '    timeZone: Europe/Berlin',
        '    paused: true',
        "    parameters: { period: '2026-11' }",
        'triggers: []',
        '',
      ].join('\n'),
    );
    const preview = await alice.make(
      ['-s', 'restore-job-configs', `BACKUP_FILE=${file}`, 'DRY_RUN=true'],
      'alice',
    );
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain(
      "schedule billing-report at '15 4 1 * *' (Europe/Berlin), paused",
    );
    expect(preview.stdout).toContain('Dry run: nothing was created.');

    const restored = await alice.make(
      ['-s', 'restore-job-configs', `BACKUP_FILE=${file}`],
      'alice',
    );
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(
      `Restored 1 schedules and 0 trigger rules into ${TENANT}`,
    );

    const backup = path.join(alice.home, 'backup.yaml');
    const saved = await alice.make(
      [
        '-s',
        'backup-job-configs',
        `TENANT_ID=${TENANT}`,
        `BACKUP_FILE=${backup}`,
      ],
      'alice',
    );
    expect(saved.code).toBe(0);
    expect(fs.readFileSync(backup, 'utf8')).toMatch(/cron: 15 4 1 \* \*/);

    // Leave acme-analytics' schedules as the portal's suite expects them
    const printed = await alice.run(
      'yarn',
      ['backstage-cli', 'auth', 'print-token'],
      { unrecorded: true },
    );
    const headers = { Authorization: `Bearer ${printed.stdout.trim()}` };
    const api = 'http://localhost:7007/api/tenant-jobs';
    const { items } = await fetch(`${api}/schedules?tenantId=${TENANT}`, {
      headers,
    }).then(r => r.json());
    const ours = items.filter(
      (schedule: { cron: string }) => schedule.cron === '15 4 1 * *',
    );
    expect(ours).toHaveLength(1);
    const deleted = await fetch(`${api}/schedules/${ours[0].id}`, {
      method: 'DELETE',
      headers,
    });
    expect(deleted.ok).toBe(true);
  });

  it("shows bob none of alice's runs, and lets him follow none", async () => {
    const outcome = await bob.login(browser, 'bob');
    expect(outcome.code).toBe(0);
    expect(await listed(bob)).not.toContain(runId);
    const follow = await bob.make(['-s', 'monitor-job', `RUN=${runId}`], 'bob');
    expect(exitOf(follow)).toBe(1);
    expect(follow.stderr).toContain(
      `error: NotFoundError: No tenant job run with id '${runId}'`,
    );
    const backup = await bob.make(
      [
        '-s',
        'backup-job-configs',
        `TENANT_ID=${TENANT}`,
        'BACKUP_FILE=/dev/null',
      ],
      'bob',
    );
    expect(exitOf(backup)).toBe(1);
    expect(backup.stderr).toMatch(/^error: NotAllowedError: /m);
  });

  it('asks to sign in after logout', async () => {
    const out = await bob.make(['-s', 'logout'], 'bob');
    expect(out.code).toBe(0);
    const after = await bob.make(['-s', 'list-jobs'], 'bob');
    expect(exitOf(after)).toBe(4);
    expect(after.stderr).toContain('Sign in as yourself first: make login');
  });
});
