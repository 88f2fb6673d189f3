/*
 * The actions as an MCP client meets them: the plugin and the MCP actions
 * backend started in-process (startTestBackend, a random port, SQLite, a
 * cluster it cannot reach), and a real MCP client over Streamable HTTP
 * sending each demo user's Backstage token as a Bearer token.
 */
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { tenantJobsTestFeatures } from '../__tests__/__testUtils__/features';
import { createTestOrg, TestOrg } from '../__tests__/__testUtils__/harness';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

type CallResult = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
};

describe('tenant-jobs actions over MCP', () => {
  let org: TestOrg;
  let url: URL;
  let stop: () => Promise<void>;
  const clients: Client[] = [];

  beforeAll(async () => {
    org = createTestOrg();
    const knex = await databases.init('SQLITE_3');
    const backend = await startTestBackend({
      features: [
        ...tenantJobsTestFeatures({
          org,
          server: 'https://127.0.0.1:1',
          caPem: '',
          tokenFile: '/dev/null',
          plans: {
            basic: { maxTier: 'medium', quota: { cpu: '4', memory: '8Gi' } },
            gold: { maxTier: 'large', quota: { cpu: '8', memory: '16Gi' } },
            oneJob: { maxTier: 'small', quota: { cpu: '1', memory: '2Gi' } },
          },
          jobTypes: [],
          rootConfig: {
            backend: { actions: { pluginSources: ['tenant-jobs'] } },
          },
          config: {
            clusters: [
              {
                name: 'local',
                auth: {
                  type: 'kubeconfig',
                  file: '/nonexistent/tenant-jobs/kubeconfig',
                },
              },
            ],
          },
        }),
        mcpActionsPlugin,
        mockServices.database.factory({ knex }),
        mockServices.auditor.factory(),
      ],
    });
    const address = backend.server.address() as { port: number };
    url = new URL(`http://127.0.0.1:${address.port}/api/mcp-actions/v1`);
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await Promise.all(clients.map(client => client.close()));
    await stop?.();
  });

  /** An MCP client signed in as the user (the mock auth's user token). */
  async function connect(user?: string) {
    const client = new Client({ name: 'tenant-jobs-test', version: '1.0.0' });
    const headers: Record<string, string> = user
      ? {
          Authorization: `Bearer mock-user-token:${JSON.stringify({
            sub: user,
          })}`,
        }
      : {};
    await client.connect(
      new StreamableHTTPClientTransport(url, { requestInit: { headers } }),
    );
    clients.push(client);
    return client;
  }

  const call = async (
    client: Client,
    name: string,
    args: Record<string, unknown>,
  ) =>
    (await client.callTool({
      name: `tenant-jobs.${name}`,
      arguments: args,
    })) as CallResult;

  it('lists the tools with their schemas and hints', async () => {
    const alice = await connect(org.users.alice);
    const { tools } = await alice.listTools();
    const byName = Object.fromEntries(tools.map(tool => [tool.name, tool]));
    expect(Object.keys(byName).sort()).toEqual(
      [
        'cancel-run',
        'get-run',
        'get-usage',
        'launch-run',
        'list-job-types',
        'list-runs',
        'list-schedules',
        'pause-schedule',
        'resume-schedule',
        'retry-run',
        'tail-run-logs',
      ].map(name => `tenant-jobs.${name}`),
    );
    expect(byName['tenant-jobs.launch-run']).toMatchObject({
      inputSchema: {
        type: 'object',
        required: ['tenantId', 'jobType'],
        properties: {
          dryRun: {
            type: 'boolean',
            description: 'true to only check the launch: nothing is created',
          },
        },
      },
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
      },
    });
    expect(byName['tenant-jobs.cancel-run'].annotations).toMatchObject({
      destructiveHint: true,
    });
    expect(byName['tenant-jobs.list-runs'].annotations).toMatchObject({
      readOnlyHint: true,
    });
  });

  it('answers with each caller’s plan and membership, refusals as tool errors in words', async () => {
    const alice = await connect(org.users.alice);
    const bob = await connect(org.users.bob);

    const types = await call(alice, 'list-job-types', {});
    expect(types.isError).toBeFalsy();
    expect(types.structuredContent).toMatchObject({
      tenants: [
        {
          id: org.tenants.a,
          plan: expect.objectContaining({ maxTier: 'large' }),
        },
      ],
    });

    const etl = {
      tenantId: org.tenants.a,
      jobType: 'data-etl',
      parameters: { source: 'events-db', destination: 'warehouse' },
    };
    const overPlan = await call(alice, 'launch-run', {
      ...etl,
      tier: 'xlarge',
    });
    expect(overPlan).toMatchObject({
      isError: true,
      content: [
        {
          type: 'text',
          text: "InputError: tier: tier 'xlarge' exceeds the maximum tier 'large' of plan 'gold'",
        },
      ],
    });

    const foreign = await call(bob, 'launch-run', { ...etl, dryRun: true });
    expect(foreign.isError).toBe(true);
    expect(foreign.content[0].text).toBe(
      `NotAllowedError: You may not launch jobs for tenant '${org.tenants.a}': you are not a member of it`,
    );

    const missing = await call(bob, 'get-run', {
      runId: '00000000-0000-0000-0000-000000000000',
    });
    expect(missing.content[0].text).toBe(
      "NotFoundError: No tenant job run with id '00000000-0000-0000-0000-000000000000'",
    );

    // The cluster cannot be reached: the dry run says so, and made nothing.
    const dryRun = await call(alice, 'launch-run', { ...etl, dryRun: true });
    expect(dryRun.isError).toBe(true);
    expect(dryRun.content[0].text).toMatch(
      /^ServiceUnavailableError: Cluster 'local' is unavailable; try again shortly/,
    );
    const runs = await call(alice, 'list-runs', {});
    expect(runs.structuredContent).toEqual({ items: [] });
  });

  it('reads schedules and usage as the REST API does', async () => {
    const alice = await connect(org.users.alice);
    const bob = await connect(org.users.bob);
    expect((await call(alice, 'list-schedules', {})).structuredContent).toEqual(
      { items: [] },
    );
    expect(
      (await call(bob, 'pause-schedule', { scheduleId: 'nope' })).content[0]
        .text,
    ).toBe("NotFoundError: No schedule with id 'nope'");
    expect(
      (await call(alice, 'get-usage', {})).structuredContent,
    ).toMatchObject({ items: [] });
    expect(
      (await call(bob, 'get-usage', { tenantId: [org.tenants.a] })).content[0]
        .text,
    ).toBe(
      `NotAllowedError: You may not read the usage of tenant '${org.tenants.a}': you are not a member of it`,
    );
  });

  it('refuses a client without a token', async () => {
    await expect(connect()).rejects.toThrow(/401|Unauthorized|Authentication/i);
  });
});
