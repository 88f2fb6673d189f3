/*
 * One cluster's outage in the portal. scripts/e2e.sh starts the portal on
 * two local clusters, with the demo tenant initech-labs pinned to the
 * second, `local-2` (app-config.two-clusters.yaml, as `make dev
 * CLUSTERS=2`). Its kube-apiserver is stopped: erin, of initech-labs, gets
 * a warning on her component's Jobs tab naming the cluster and her tenant;
 * alice, whose acme-analytics runs on the first cluster, gets none; the
 * platform team's Clusters card shows local-2 unreachable. Once the
 * apiserver is back, the warning goes by itself.
 * Screenshots: clusters-*.png in artifacts/e2e.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { seriousViolations } from './__testUtils__/accessibility';
import {
  APP_URL,
  ARTIFACTS_DIR,
  launchBrowser,
  screenshot,
  signIn,
} from './browser';
import { collectPageErrors, PageError } from './consoleErrors';

jest.setTimeout(300_000);

const BACKEND = process.env.BACKEND_URL ?? 'http://localhost:7007';
const REPO = path.resolve(ARTIFACTS_DIR, '../..');
/** The second local cluster, and the portal's name for it. */
const LOCAL_NAME = 'tenant-jobs-2';
const CLUSTER = 'local-2';
const ERIN_TAB = `${APP_URL}/catalog/default/component/initech-scanner/tenant-jobs`;
const ALICE_TAB = `${APP_URL}/catalog/default/component/acme-warehouse-etl/tenant-jobs`;
const BANNER = '[data-testid="cluster-outage"]';

function apiserver(command: 'stop-apiserver' | 'start-apiserver') {
  execFileSync(
    path.join(REPO, 'scripts/cluster/cluster.sh'),
    ['--name', LOCAL_NAME, command],
    { stdio: 'inherit', timeout: 180_000 },
  );
}

/** initech-labs' cluster, as erin's GET /tenants says. */
async function clusterOfInitech(): Promise<string | undefined> {
  const refresh = await fetch(`${BACKEND}/api/auth/demo/refresh`, {
    headers: { 'x-tenant-jobs-demo-user': 'erin' },
  });
  const { backstageIdentity } = await refresh.json();
  const res = await fetch(`${BACKEND}/api/tenant-jobs/tenants`, {
    headers: { authorization: `Bearer ${backstageIdentity.token}` },
  });
  const { items } = (await res.json()) as {
    items: Array<{ id: string; cluster: string }>;
  };
  return items.find(t => t.id === 'initech-labs')?.cluster;
}

describe('An unreachable cluster in the portal', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: PageError[] = [];
  let stopped = false;

  async function pageOf(user: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 900 },
    });
    contexts.push(context);
    const page = await context.newPage();
    errors.push(...collectPageErrors(page));
    await signIn(page, user);
    return page;
  }

  beforeAll(async () => {
    const cluster = await clusterOfInitech();
    if (cluster !== CLUSTER) {
      throw new Error(
        `initech-labs runs on '${cluster}', not '${CLUSTER}': start the portal as scripts/e2e.sh does, on two clusters (make dev CLUSTERS=2)`,
      );
    }
    browser = await launchBrowser();
  });

  afterAll(async () => {
    if (stopped) apiserver('start-apiserver');
    for (const context of contexts) await context.close();
    await browser?.close();
  });

  it("warns initech-labs' members by name, and no one else, until the cluster is back", async () => {
    const erin = await pageOf('erin');
    await erin.goto(ERIN_TAB);
    await erin.getByRole('button', { name: 'Launch a job' }).first().waitFor();
    expect(await erin.locator(BANNER).count()).toBe(0);

    apiserver('stop-apiserver');
    stopped = true;

    // The tab checks again on its own (every 30 s while all is well).
    const banner = erin.locator(BANNER);
    await banner.waitFor({ timeout: 90_000 });
    expect(await banner.getAttribute('data-cluster')).toBe(CLUSTER);
    const text = await banner.innerText();
    expect(text).toContain(`Cluster ${CLUSTER} is not answering`);
    expect(text).toContain('Tenant initech-labs runs there.');
    expect(text).toContain('Tenants on other clusters are not affected.');
    expect(await seriousViolations(erin)).toEqual([]);
    await screenshot(erin, 'clusters-outage-banner', { fullPage: false });

    // alice's tenant runs on the first cluster: nothing to warn of.
    const alice = await pageOf('alice');
    await alice.goto(ALICE_TAB);
    await alice.getByRole('button', { name: 'Launch a job' }).first().waitFor();
    await alice.getByText('Quota of Acme Analytics').waitFor({
      timeout: 60_000,
    });
    expect(await alice.locator(BANNER).count()).toBe(0);

    // The platform team sees which cluster, among all.
    const dave = await pageOf('dave');
    await dave.goto(`${APP_URL}/tenant-jobs?view=platform`);
    const row = dave.locator(`tr[data-cluster="${CLUSTER}"]`);
    await row
      .getByText('Unreachable', { exact: true })
      .waitFor({ timeout: 60_000 });
    await dave
      .locator('tr[data-cluster="local"]')
      .getByText('Reachable', { exact: true })
      .waitFor();
    await row.scrollIntoViewIfNeeded();
    await screenshot(dave, 'clusters-outage-platform', { fullPage: false });

    apiserver('start-apiserver');
    stopped = false;
    // Checked every 10 s during an outage: gone soon after.
    await banner.waitFor({ state: 'detached', timeout: 90_000 });
    expect(errors).toEqual([]);
  });
});
