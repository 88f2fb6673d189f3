import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { TenantJobsApiClient } from '@tenant-jobs/plugin-tenant-jobs-common';
import type {
  JobRequestInput,
  TenantJobRun,
  TenantPlan,
} from '@tenant-jobs/plugin-tenant-jobs-common';

/**
 * The body of `POST /runs`, as the tenant-jobs backend takes it.
 *
 * @public
 */
export type SubmitBody = Omit<JobRequestInput, 'parameters'> & {
  parameters: Record<string, unknown>;
};

/**
 * What `POST /runs` answered with `dryRun: true`.
 *
 * @public
 */
export type DryRunAnswer = {
  dryRun: true;
  tenantId: string;
  jobType: string;
  tier: string;
  priority: string;
  namespace: string;
  jobName: string;
  checkedBy: 'apiserver' | 'plugin';
  message: string;
};

/**
 * What `POST /runs` answered.
 *
 * @public
 */
export type SubmitAnswer =
  | { kind: 'created' | 'existing'; run: TenantJobRun }
  | { kind: 'dryRun'; dryRun: DryRunAnswer };

/**
 * What `POST /tenants/:id/provision` answered.
 *
 * @public
 */
export type ProvisionAnswer = {
  tenantId: string;
  title?: string;
  groupRef: string;
  plan: TenantPlan;
  cluster: string;
  namespace: string;
  dryRun: boolean;
};

/**
 * A refusal or failure of the tenant-jobs backend, with its status code and
 * the error name and message of its answer (Backstage's error shape), e.g.
 * `NotAllowedError` and "You may not launch jobs for tenant 'acme': you are
 * not a member of it".
 *
 * @public
 */
export class TenantJobsRequestError extends Error {
  constructor(readonly statusCode: number, name: string, message: string) {
    super(message);
    this.name = name;
  }
}

function errorOf(status: number, body: unknown, what: string): Error {
  const error = (body as { error?: { name?: unknown; message?: unknown } })
    ?.error;
  const name =
    typeof error?.name === 'string' && /^\w{1,60}$/.test(error.name)
      ? error.name
      : 'Error';
  const message =
    typeof error?.message === 'string'
      ? error.message
      : `the tenant-jobs backend answered ${status}`;
  return new TenantJobsRequestError(status, name, `${what}: ${message}`);
}

/**
 * Calls the tenant-jobs backend on behalf of a user: each request carries a
 * token the auth service issues for that user towards the `tenant-jobs`
 * plugin, so the user's permissions and tenants' plans apply, never the
 * scaffolder's own identity.
 *
 * @public
 */
export class TenantJobsClient {
  private readonly fetchFn: typeof fetch;

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      fetch?: typeof fetch;
    },
  ) {
    this.fetchFn = options.fetch ?? ((...args) => fetch(...args));
  }

  /**
   * Calls the API through its generated client, as the user who runs the
   * template; an answer that is not 2xx becomes the error its status means,
   * with the backend's message.
   */
  private async call<T>(
    credentials: BackstageCredentials,
    what: string,
    send: (
      api: TenantJobsApiClient,
      options: { token: string },
    ) => Promise<Response>,
  ): Promise<{ status: number; body: T }> {
    const { auth, discovery } = this.options;
    if (!auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError(
        `${what}: Tenant Jobs actions act on behalf of the user who runs the template, and this task was not started by a signed-in user`,
      );
    }
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'tenant-jobs',
    });
    const api = new TenantJobsApiClient({
      discoveryApi: discovery,
      fetchApi: { fetch: this.fetchFn },
    });
    const response = await send(api, { token });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      throw errorOf(response.status, parsed, what);
    }
    return { status: response.status, body: parsed as T };
  }

  /** `POST /runs`: submits (or dry-runs) a job. */
  async submit(
    credentials: BackstageCredentials,
    request: SubmitBody,
  ): Promise<SubmitAnswer> {
    const { status, body } = await this.call<TenantJobRun | DryRunAnswer>(
      credentials,
      request.dryRun
        ? `Could not dry-run the ${request.jobType} job of tenant '${request.tenantId}'`
        : `Could not launch the ${request.jobType} job of tenant '${request.tenantId}'`,
      (api, options) =>
        api.submitRun(
          { body: request as Parameters<typeof api.submitRun>[0]['body'] },
          options,
        ),
    );
    if ((body as DryRunAnswer).dryRun === true && request.dryRun) {
      return { kind: 'dryRun', dryRun: body as DryRunAnswer };
    }
    return {
      kind: status === 201 ? 'created' : 'existing',
      run: body as TenantJobRun,
    };
  }

  /** `GET /runs/:runId`: a run with its current status. */
  async getRun(
    credentials: BackstageCredentials,
    runId: string,
  ): Promise<TenantJobRun> {
    const { body } = await this.call<TenantJobRun>(
      credentials,
      `Could not read run ${runId}`,
      (api, options) => api.getRun({ path: { runId } }, options),
    );
    return body;
  }

  /** `POST /runs/:runId/cancel`: cancels a queued or running run. */
  async cancel(
    credentials: BackstageCredentials,
    runId: string,
  ): Promise<TenantJobRun> {
    const { body } = await this.call<TenantJobRun>(
      credentials,
      `Could not cancel run ${runId}`,
      (api, options) => api.cancelRun({ path: { runId } }, options),
    );
    return body;
  }

  /** `POST /tenants/:tenantId/provision`: provisions a tenant (platform team). */
  async provision(
    credentials: BackstageCredentials,
    tenantId: string,
    options: { dryRun: boolean },
  ): Promise<ProvisionAnswer> {
    const { body } = await this.call<ProvisionAnswer>(
      credentials,
      `Could not provision tenant '${tenantId}'`,
      (api, requestOptions) =>
        api.provisionTenant(
          { path: { tenantId }, body: { dryRun: options.dryRun } },
          requestOptions,
        ),
    );
    return body;
  }
}
