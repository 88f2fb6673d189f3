/*
 * Over MCP, against the demo backend the e2e driver runs (packages/backend
 * on app-config.yaml: the MCP actions backend at /api/mcp-actions/v1 with
 * tenant-jobs among backend.actions.pluginSources). A real MCP client
 * (@modelcontextprotocol/sdk, Streamable HTTP) as demo users, each with
 * the token the portal's demo sign-in gives them:
 *
 * - alice lists the tools with their schemas; her dry run creates no run;
 *   her data ETL runs to Succeeded and she reads its log;
 * - bob can neither see, cancel nor read that run;
 * - erin's tier above her plan comes back as a tool error in words.
 *
 * The transcript is printed at the end.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

jest.setTimeout(240_000);

const BACKEND = process.env.E2E_BACKEND_URL ?? 'http://localhost:7007';

type CallResult = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: any;
};

/** A demo user's Backstage token, as the portal's sign-in page gets it. */
async function tokenOf(user: string): Promise<string> {
  const response = await fetch(`${BACKEND}/api/auth/demo/refresh`, {
    headers: { 'x-tenant-jobs-demo-user': user },
  });
  expect(response.status).toBe(200);
  const body = await response.json();
  return body.backstageIdentity.token;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('Tenant Jobs over MCP, on the demo backend', () => {
  const clients: Client[] = [];
  const transcript: string[] = [];

  afterAll(async () => {
    await Promise.all(clients.map(client => client.close()));
    // eslint-disable-next-line no-console
    console.log(transcript.join('\n'));
  });

  async function connect(user: string) {
    const client = new Client({
      name: `tenant-jobs-e2e-${user}`,
      version: '1.0.0',
    });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`${BACKEND}/api/mcp-actions/v1`),
        {
          requestInit: {
            headers: { Authorization: `Bearer ${await tokenOf(user)}` },
          },
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
        }${text.length > 240 ? `${text.slice(0, 240)}…` : text}`,
      );
      return result;
    };
    return { client, call };
  }

  it('lists the tools with schemas an agent can act on', async () => {
    const { client } = await connect('alice');
    const { tools } = await client.listTools();
    const names = tools.map(tool => tool.name);
    transcript.push(`alice → tools/list\n   ${names.join(', ')}`);
    expect(names).toEqual(
      expect.arrayContaining(
        [
          'list-job-types',
          'launch-run',
          'get-run',
          'list-runs',
          'tail-run-logs',
          'cancel-run',
          'retry-run',
          'list-schedules',
          'pause-schedule',
          'resume-schedule',
          'get-usage',
        ].map(name => `tenant-jobs.${name}`),
      ),
    );
    const launch = tools.find(tool => tool.name === 'tenant-jobs.launch-run')!;
    expect(Object.keys(launch.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining([
        'tenantId',
        'jobType',
        'parameters',
        'tier',
        'dryRun',
      ]),
    );
    expect(launch.annotations).toMatchObject({ readOnlyHint: false });
    const get = tools.find(tool => tool.name === 'tenant-jobs.get-run')!;
    expect(get.annotations).toMatchObject({ readOnlyHint: true });
  });

  it("runs alice's data ETL to Succeeded; bob sees nothing of it", async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const body = {
      tenantId: 'acme-analytics',
      jobType: 'data-etl',
      parameters: { source: 'events-db', destination: 'warehouse' },
    };
    // The newest runs of the tenant: a run created would come first
    const listed = async () =>
      (
        await alice.call('list-runs', {
          tenantId: ['acme-analytics'],
          limit: 5,
        })
      ).structuredContent.items.map((run: { id: string }) => run.id);

    const before = await listed();
    const dry = await alice.call('launch-run', { ...body, dryRun: true });
    expect(dry.isError).toBeFalsy();
    expect(dry.structuredContent.outcome).toBe('dryRun');
    expect(await listed()).toEqual(before);

    const launched = await alice.call('launch-run', body);
    expect(launched.structuredContent.outcome).toBe('created');
    const runId: string = launched.structuredContent.run.id;

    let status = '';
    for (
      let i = 0;
      i < 120 && !['Succeeded', 'Failed', 'Cancelled'].includes(status);
      i++
    ) {
      const got = (await alice.client.callTool({
        name: 'tenant-jobs.get-run',
        arguments: { runId },
      })) as CallResult;
      status = got.structuredContent.run.status;
      if (i > 0) await sleep(1000);
    }
    transcript.push(`alice → get-run (polled)\n   status ${status}`);
    expect(status).toBe('Succeeded');

    const log = await alice.call('tail-run-logs', { runId, lines: 20 });
    expect(log.structuredContent.lines).toContain(
      'tenant-jobs simulated container: done',
    );

    for (const name of ['get-run', 'cancel-run', 'tail-run-logs']) {
      const refused = await bob.call(name, { runId });
      expect(refused).toMatchObject({
        isError: true,
        content: [
          {
            type: 'text',
            text: `NotFoundError: No tenant job run with id '${runId}'`,
          },
        ],
      });
    }
    const bobs = await bob.call('list-runs', { tenantId: ['acme-analytics'] });
    expect(bobs.structuredContent.items).toEqual([]);
  });

  it("answers a tier above the plan with a tool error in the REST API's words", async () => {
    const erin = await connect('erin');
    const refused = await erin.call('launch-run', {
      tenantId: 'initech-labs',
      jobType: 'data-etl',
      tier: 'large',
      parameters: { source: 'events-db', destination: 'warehouse' },
    });
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toBe(
      "InputError: tier: tier 'large' exceeds the maximum tier 'medium' of plan 'starter'",
    );
  });
});
