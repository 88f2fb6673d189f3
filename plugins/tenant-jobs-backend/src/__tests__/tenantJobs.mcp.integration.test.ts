/*
 * Over MCP, against the local cluster: a real MCP client
 * (@modelcontextprotocol/sdk, Streamable HTTP) talks to the MCP actions
 * backend beside the plugin, as two demo users with their own tokens.
 * alice launches a data ETL, follows it to Succeeded and reads its log;
 * bob can neither see, cancel nor read it; a plan refusal is a tool error
 * in words; a dry run creates nothing. See __testUtils__/harness.ts.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  UserKey,
  validBody,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(240_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

type CallResult = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: any;
};

describe('Tenant Jobs over MCP: two users, one cluster', () => {
  let env: TenantJobsTestEnv;
  const clients: Client[] = [];
  /** Lines of the conversation, printed at the end for the record. */
  const transcript: string[] = [];

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({
      databases,
      extend: {
        features: [mcpActionsPlugin],
        rootConfig: {
          backend: { actions: { pluginSources: ['tenant-jobs'] } },
        },
      },
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map(client => client.close()));
    await env?.stop();
    // eslint-disable-next-line no-console
    console.log(transcript.join('\n'));
  });

  async function connect(user: UserKey) {
    const client = new Client({
      name: `tenant-jobs-it-${user}`,
      version: '1.0.0',
    });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`${env.url}/api/mcp-actions/v1`),
        {
          requestInit: { headers: { Authorization: env.as(user) } },
        },
      ),
    );
    clients.push(client);
    const call = async (name: string, args: Record<string, unknown>) => {
      const result = (await client.callTool({
        name: `tenant-jobs.${name}`,
        arguments: args,
      })) as CallResult;
      const text = result.content[0]?.text ?? '';
      transcript.push(
        `${user} → ${name} ${JSON.stringify(args)}\n   ${
          result.isError ? 'ERROR ' : ''
        }${text.length > 300 ? `${text.slice(0, 300)}…` : text}`,
      );
      return result;
    };
    return { client, call };
  }

  it('lists the tools with their schemas', async () => {
    const { client } = await connect('alice');
    const { tools } = await client.listTools();
    transcript.push(
      `alice → tools/list\n   ${tools.map(t => t.name).join(', ')}`,
    );
    expect(tools.map(t => t.name)).toEqual(
      expect.arrayContaining([
        'tenant-jobs.launch-run',
        'tenant-jobs.get-run',
        'tenant-jobs.tail-run-logs',
        'tenant-jobs.cancel-run',
      ]),
    );
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.description?.length).toBeGreaterThan(40);
    }
  });

  it('alice launches a data ETL and follows it to Succeeded; bob sees nothing of it', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const tenantA = env.org.tenants.a;
    const body = validBody(tenantA, 'data-etl');

    // A dry run creates nothing: no run, no Job.
    const runsBefore = await env.countRuns(tenantA);
    const jobsBefore = await env.countJobs(tenantA);
    const dry = await alice.call('launch-run', { ...body, dryRun: true });
    expect(dry.isError).toBeFalsy();
    expect(dry.structuredContent.outcome).toBe('dryRun');
    expect(await env.countRuns(tenantA)).toBe(runsBefore);
    expect(await env.countJobs(tenantA)).toBe(jobsBefore);

    const launched = await alice.call('launch-run', body);
    expect(launched.isError).toBeFalsy();
    const runId = launched.structuredContent.run.id as string;

    const final = await waitFor(
      `run ${runId} to finish`,
      async () => {
        const got = await alice.client.callTool({
          name: 'tenant-jobs.get-run',
          arguments: { runId },
        });
        const run = (got as CallResult).structuredContent?.run;
        return ['Succeeded', 'Failed', 'Cancelled'].includes(run?.status)
          ? run
          : undefined;
      },
      180_000,
    );
    transcript.push(`alice → get-run (polled)\n   status ${final.status}`);
    expect(final.status).toBe('Succeeded');

    const log = await alice.call('tail-run-logs', { runId, lines: 20 });
    expect(log.isError).toBeFalsy();
    expect(log.structuredContent.lines.length).toBeGreaterThan(0);

    const notFound = `NotFoundError: No tenant job run with id '${runId}'`;
    for (const name of ['get-run', 'cancel-run', 'tail-run-logs']) {
      const refused = await bob.call(name, { runId });
      expect(refused).toMatchObject({
        isError: true,
        content: [{ type: 'text', text: notFound }],
      });
    }
    const bobsRuns = await bob.call('list-runs', { tenantId: [tenantA] });
    expect(bobsRuns.structuredContent.items).toEqual([]);

    // Audited as the REST API audits: who, what, tenant, outcome.
    const rows = await env
      .knex('tenant_jobs_audit')
      .where({ tenant_id: tenantA })
      .orderBy('id');
    expect(rows.map(r => [r.action, r.actor, r.outcome])).toEqual([
      ['run-submit', env.org.users.alice, 'succeeded'],
      ['run-submit', env.org.users.alice, 'succeeded'],
      ['run-cancel', env.org.users.bob, 'refused'],
    ]);
  });

  it("refuses what a plan does not allow, as a tool error in the REST API's words", async () => {
    const carol = await connect('carol');
    const tenantC = env.org.tenants.c;
    const refused = await carol.call(
      'launch-run',
      validBody(tenantC, 'data-etl', { tier: 'large' }),
    );
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toBe(
      "InputError: tier: tier 'large' exceeds the maximum tier 'small' of plan 'oneJob'",
    );
  });
});
