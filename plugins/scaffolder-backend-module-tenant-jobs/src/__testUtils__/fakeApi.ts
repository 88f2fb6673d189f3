/*
 * A stand-in for the tenant-jobs REST API, answering the client's fetches
 * the way the backend does (status codes, Backstage's error shape,
 * idempotency replays, dry runs), with runs whose statuses a test scripts.
 */
import type {
  RunStatus,
  TenantJobRun,
} from '@tenant-jobs/plugin-tenant-jobs-common';

export const BASE_URL = 'http://localhost:0/api/tenant-jobs';

type Call = {
  method: string;
  path: string;
  body?: Record<string, any>;
  authorization?: string;
};

type Step = { status: RunStatus; reason?: string; message?: string };

export type FakeTenant = {
  members: string[];
  plan: { id: string; maxTier: string; maxPriority: string };
  /** Whether its namespace exists (dry runs are judged by the apiserver). */
  provisioned?: boolean;
  /** A refused tenant (reserved id, claimed twice): 409 on every route. */
  refusal?: string;
};

const TIERS = ['micro', 'small', 'medium', 'large', 'xlarge', 'enterprise'];
const PRIORITIES = ['critical', 'high', 'normal', 'low', 'batch'];

function answer(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

function refuse(
  status: number,
  name: string,
  message: string,
  method: string,
  url: string,
): Response {
  return answer(status, {
    error: { name, message },
    request: { method, url },
    response: { statusCode: status },
  });
}

/** The user a mock on-behalf-of token was issued for. */
function userOf(authorization: string | undefined): string | undefined {
  const match = /"obo":"([^"]+)"/.exec(authorization ?? '');
  return match?.[1];
}

export class FakeTenantJobsApi {
  readonly calls: Call[] = [];
  readonly runs = new Map<string, TenantJobRun>();
  /** Statuses each GET of a run moves through; the last one stays. */
  readonly scripts = new Map<string, Step[]>();
  /** The script of runs created from now on. */
  nextScript: Step[] = [{ status: 'Queued' }];
  readonly provisioned: string[] = [];
  admins = new Set<string>(['user:default/dave']);
  private readonly byKey = new Map<
    string,
    { run: TenantJobRun; body: string }
  >();
  private counter = 0;

  constructor(readonly tenants: Record<string, FakeTenant>) {}

  get submissions(): Call[] {
    return this.calls.filter(
      c => c.method === 'POST' && c.path === '/runs' && !c.body?.dryRun,
    );
  }

  get cancels(): Call[] {
    return this.calls.filter(
      c => c.method === 'POST' && c.path.endsWith('/cancel'),
    );
  }

  /** Makes run `id` move through `steps` on its next reads. */
  script(id: string, ...steps: Step[]) {
    this.scripts.set(id, steps);
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    if (!url.href.startsWith(BASE_URL)) {
      throw new Error(`unexpected fetch of ${url.href}`);
    }
    const path = url.pathname.replace('/api/tenant-jobs', '');
    const method = init?.method ?? 'GET';
    const headers = new Headers(init?.headers);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const authorization = headers.get('authorization') ?? undefined;
    this.calls.push({ method, path, body, authorization });
    const user = userOf(authorization);
    const no = (status: number, name: string, message: string) =>
      refuse(status, name, message, method, path);
    if (!user) {
      return no(401, 'AuthenticationError', 'Missing credentials');
    }

    if (method === 'POST' && path === '/runs') {
      const tenant = this.tenants[body.tenantId];
      if (tenant?.refusal) {
        return no(
          409,
          'ConflictError',
          `Tenant '${body.tenantId}' cannot be used: ${tenant.refusal}`,
        );
      }
      if (!tenant || !tenant.members.includes(user)) {
        return no(
          403,
          'NotAllowedError',
          `You may not launch jobs for tenant '${body.tenantId}': you are not a member of it`,
        );
      }
      const tier = body.tier ?? 'medium';
      if (TIERS.indexOf(tier) > TIERS.indexOf(tenant.plan.maxTier)) {
        return no(
          400,
          'InputError',
          `tier: tier '${tier}' exceeds the maximum tier '${tenant.plan.maxTier}' of plan '${tenant.plan.id}'`,
        );
      }
      const priority = body.priority ?? 'normal';
      if (
        PRIORITIES.indexOf(priority) <
        PRIORITIES.indexOf(tenant.plan.maxPriority)
      ) {
        return no(
          403,
          'NotAllowedError',
          `priority: priority '${priority}' is above the highest priority of plan '${tenant.plan.id}', which is '${tenant.plan.maxPriority}'`,
        );
      }
      const jobName = `${body.jobType}-${body.tenantId}-${this.counter + 1}`;
      const namespace = `tenant-${body.tenantId}`;
      if (body.dryRun) {
        return answer(200, {
          dryRun: true,
          tenantId: body.tenantId,
          jobType: body.jobType,
          tier,
          priority,
          namespace,
          jobName,
          manifest: {},
          checkedBy: tenant.provisioned ? 'apiserver' : 'plugin',
          message: tenant.provisioned
            ? 'The apiserver admitted the Job; nothing was created'
            : 'The plugin checked the request; nothing was created',
        });
      }
      const { idempotencyKey, ...request } = body;
      if (idempotencyKey) {
        const known = this.byKey.get(`${body.tenantId}/${idempotencyKey}`);
        if (known) {
          if (known.body !== JSON.stringify(request)) {
            return no(
              409,
              'ConflictError',
              'idempotencyKey was used for a different request',
            );
          }
          return answer(200, this.runs.get(known.run.id));
        }
      }
      this.counter += 1;
      const id = `run-${this.counter}`;
      const run: TenantJobRun = {
        id,
        tenantId: body.tenantId,
        jobType: body.jobType,
        tier,
        priority,
        status: 'Queued',
        parameters: body.parameters ?? {},
        createdAt: new Date().toISOString(),
        attempts: 0,
        cluster: 'local',
        namespace,
        jobName,
        submittedBy: user,
        entityRef: body.entityRef,
        dryRun: false,
      } as TenantJobRun;
      this.runs.set(id, run);
      this.scripts.set(id, [...this.nextScript]);
      if (idempotencyKey) {
        this.byKey.set(`${body.tenantId}/${idempotencyKey}`, {
          run,
          body: JSON.stringify(request),
        });
      }
      return answer(201, run);
    }

    const runMatch = /^\/runs\/([^/]+)(\/cancel)?$/.exec(path);
    if (runMatch) {
      const run = this.runs.get(decodeURIComponent(runMatch[1]));
      const tenant = run && this.tenants[run.tenantId];
      if (!run || !tenant?.members.includes(user)) {
        return no(
          404,
          'NotFoundError',
          `No tenant job run with id '${runMatch[1]}'`,
        );
      }
      if (method === 'POST' && runMatch[2]) {
        if (['Succeeded', 'Failed', 'Cancelled'].includes(run.status)) {
          return no(
            409,
            'ConflictError',
            `Run ${run.id} already finished (${run.status}); there is nothing to cancel`,
          );
        }
        Object.assign(run, {
          status: 'Cancelled',
          reason: 'CancelledByUser',
          message: `Cancelled by ${user}`,
        });
        this.scripts.set(run.id, []);
        return answer(200, run);
      }
      if (method === 'GET' && !runMatch[2]) {
        const steps = this.scripts.get(run.id) ?? [];
        const step = steps.length > 1 ? steps.shift() : steps[0];
        if (step) {
          run.status = step.status;
          run.reason = step.reason;
          run.message = step.message;
        }
        return answer(200, { ...run });
      }
    }

    const provisionMatch = /^\/tenants\/([^/]+)\/provision$/.exec(path);
    if (method === 'POST' && provisionMatch) {
      if (!this.admins.has(user)) {
        return no(
          403,
          'NotAllowedError',
          'You may not provision tenants: that is for the platform team',
        );
      }
      const id = decodeURIComponent(provisionMatch[1]);
      const tenant = this.tenants[id];
      if (tenant?.refusal) {
        return no(
          409,
          'ConflictError',
          `Tenant '${id}' cannot be used: ${tenant.refusal}`,
        );
      }
      if (!tenant) {
        return no(404, 'NotFoundError', `No tenant '${id}' in the catalog`);
      }
      if (!body?.dryRun) this.provisioned.push(id);
      return answer(200, {
        tenantId: id,
        title: id,
        groupRef: `group:default/${id}`,
        plan: { ...tenant.plan, quota: { cpu: '4', memory: '8Gi' } },
        cluster: 'local',
        namespace: `tenant-${id}`,
        dryRun: Boolean(body?.dryRun),
      });
    }
    return no(404, 'NotFoundError', `No route ${method} ${path}`);
  };
}
