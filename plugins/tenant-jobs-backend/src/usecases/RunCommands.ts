import { InputError } from '@backstage/errors';
import {
  parseJobRequest,
  TenantJobRun,
  tenantJobsRunCancelPermission,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type { Request } from 'express';
import { TenantAccess, UserCredentials } from '../access';
import { AuditAction } from '../database';
import type { SubmissionRequest } from '../metrics';
import type { AuditContext, AuditTrail } from '../audit';
import type { SubmitResult } from './RunService';
import { RunService } from './RunService';
import type { CountedSubmission } from './TriggerService';

/**
 * Who calls a command, and how: a REST route passes its request (for the
 * auditor) and a check of its query; an action passes neither.
 */
export type Caller = {
  credentials: UserCredentials;
  /** The HTTP request of a REST call; none for an action. */
  request?: Request;
  /**
   * Checks the rest of the call's input once access is decided (the REST
   * query), so a refused caller learns nothing from it.
   */
  checkInput?: () => void;
};

const notMember = (tenantId: string) =>
  `You may not launch jobs for tenant '${tenantId}': you are not a member of it`;

/**
 * Launching, cancelling and retrying runs as their caller, in one order
 * for the REST API and the actions alike: read access, parse, member
 * check, the run service, audit (with metrics and a span around launches).
 */
export class RunCommands {
  constructor(
    private readonly deps: {
      access: TenantAccess;
      audit: AuditTrail;
      runs: RunService;
      /** Counts and traces launches and retries (see src/metrics). */
      observability?: { submission: CountedSubmission };
    },
  ) {}

  /** Launches a run (or a dry run) from a request body as the caller. */
  async submit(caller: Caller, body: unknown): Promise<SubmitResult> {
    const { access, runs } = this.deps;
    const { credentials } = caller;
    const actor = credentials.principal.userEntityRef;
    const parsed = parseJobRequest(body);
    const tenantId = parsed.success ? parsed.request.tenantId : undefined;
    // Counted under its tenant only once the caller may launch there.
    const counted: SubmissionRequest = parsed.success
      ? { jobType: parsed.request.jobType, priority: parsed.request.priority }
      : {};
    return this.submission(
      counted,
      'run-submit',
      caller,
      { tenantId },
      async ctx => {
        caller.checkInput?.();
        if (!parsed.success) {
          throw new InputError(parsed.message);
        }
        const request = parsed.request;
        await access.requireUsable(credentials, request.tenantId);
        await access.requireMember(
          credentials,
          request.tenantId,
          notMember(request.tenantId),
        );
        counted.tenantId = request.tenantId;
        const outcome = await runs.submit(request, actor);
        if (outcome.kind !== 'dryRun') {
          ctx.runId = outcome.run.id;
        }
        ctx.detail = { jobType: request.jobType, dryRun: request.dryRun };
        return outcome;
      },
    );
  }

  /** Cancels a run as the caller: a member of its tenant, or an admin. */
  async cancel(caller: Caller, id: string): Promise<TenantJobRun> {
    const { access, audit, runs } = this.deps;
    const { credentials } = caller;
    const actor = credentials.principal.userEntityRef;
    // Its tenant goes to the audit trail, never to the caller.
    const found = await access.findRun(id);
    return audit.audited(
      'run-cancel',
      caller.request,
      actor,
      { tenantId: found?.tenantId, runId: id },
      async ctx => {
        const run = await access.readableRun(credentials, id, found);
        const { asAdmin } = await access.requireOnRun(
          credentials,
          tenantJobsRunCancelPermission,
          run,
          `You may not cancel jobs of tenant '${run.tenantId}': you are not a member of it`,
        );
        ctx.asAdmin = asAdmin;
        caller.checkInput?.();
        return runs.cancel(run, actor);
      },
    );
  }

  /** Launches a finished run again as the caller, a member of its tenant. */
  async retry(caller: Caller, id: string): Promise<SubmitResult> {
    const { access, runs } = this.deps;
    const { credentials } = caller;
    const actor = credentials.principal.userEntityRef;
    const found = await access.findRun(id);
    // Counted under the run's tenant only once the caller may retry it:
    // a refused caller neither writes into nor learns of its series.
    const counted: SubmissionRequest = { retry: true };
    return this.submission(
      counted,
      'run-retry',
      caller,
      { tenantId: found?.tenantId, runId: id },
      async ctx => {
        const run = await access.readableRun(credentials, id, found);
        await access.requireMember(
          credentials,
          run.tenantId,
          notMember(run.tenantId),
        );
        caller.checkInput?.();
        Object.assign(counted, {
          tenantId: run.tenantId,
          jobType: run.jobType,
          priority: run.priority,
        });
        const outcome = await runs.retry(run, actor);
        if (outcome.kind !== 'dryRun') {
          ctx.detail = { newRunId: outcome.run.id };
        }
        return outcome;
      },
    );
  }

  /** A launch or retry under audit, counted and traced as well. */
  private submission<T extends SubmitResult>(
    request: SubmissionRequest,
    action: AuditAction,
    caller: Caller,
    auditContext: AuditContext,
    fn: (ctx: AuditContext) => Promise<T>,
  ): Promise<T> {
    const actor = caller.credentials.principal.userEntityRef;
    const run = () =>
      this.deps.audit.audited(action, caller.request, actor, auditContext, fn);
    return this.deps.observability?.submission(request, run) ?? run();
  }
}
