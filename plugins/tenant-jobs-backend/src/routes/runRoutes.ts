import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  parseJobRequest,
  tenantJobsRunCancelPermission,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import express from 'express';
import { AuditAction } from '../database';
import type { SubmissionRequest } from '../metrics';
import { SubmitResult } from '../usecases/RunService';
import { AuditContext } from './audit';
import { RouteContext } from './context';
import {
  parseListQuery,
  parseLogQuery,
  parseStatsOptions,
  rejectQuery,
} from './listQuery';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

const notMember = (tenantId: string) =>
  `You may not launch jobs for tenant '${tenantId}': you are not a member of it`;

function send(res: express.Response, result: SubmitResult) {
  if (result.kind === 'dryRun') {
    res.status(200).json({ dryRun: true, ...result.dryRun });
  } else {
    res.status(result.kind === 'created' ? 201 : 200).json(result.run);
  }
}

/**
 * Runs: submit (or dry-run), list, stats, one run with its events and
 * logs, cancel and retry. Who may do what is the access module's to say.
 */
export function registerRunRoutes(context: RouteContext): void {
  const { access, audit, useCases, observability, route } = context;
  const { runs, queries } = useCases;

  /** A submission or retry under audit, counted and traced as well. */
  function auditedSubmission<T extends SubmitResult>(
    request: SubmissionRequest,
    action: AuditAction,
    req: express.Request,
    actor: string,
    auditContext: AuditContext,
    fn: (ctx: AuditContext) => Promise<T>,
  ): Promise<T> {
    const run = () => audit.audited(action, req, actor, auditContext, fn);
    return observability?.submission(request, run) ?? run();
  }

  route('post', '/runs', 'run-submit', async (req, res) => {
    const credentials = await access.user(req);
    const actor = credentials.principal.userEntityRef;
    const parsed = parseJobRequest(req.body);
    const tenantId = parsed.success ? parsed.request.tenantId : undefined;
    // Counted under its tenant only once the caller may launch there.
    const counted: SubmissionRequest = parsed.success
      ? { jobType: parsed.request.jobType, priority: parsed.request.priority }
      : {};
    const result = await auditedSubmission(
      counted,
      'run-submit',
      req,
      actor,
      { tenantId },
      async ctx => {
        rejectQuery(req.query);
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
    send(res, result);
  });

  route('get', '/runs', undefined, async (req, res) => {
    const credentials = await access.user(req);
    const { filter, page } = parseListQuery(req.query);
    const permitted = await access.readableRuns(credentials);
    res.json(await queries.list(filter, permitted, page));
  });

  route('get', '/stats', undefined, async (req, res) => {
    const credentials = await access.user(req);
    const { filter, bucket } = parseStatsOptions(req.query);
    const permitted = await access.readableRuns(credentials);
    const window = { from: filter.createdAfter, to: filter.createdBefore };
    if (bucket) {
      const { items, buckets } = await queries.statsByBucket(
        filter,
        permitted,
        bucket,
      );
      res.json({ ...window, items, bucket, buckets });
      return;
    }
    res.json({ ...window, items: await queries.stats(filter, permitted) });
  });

  route('get', '/runs/:runId', undefined, async (req, res) => {
    const credentials = await access.user(req);
    const run = await access.readableRun(credentials, req.params.runId);
    rejectQuery(req.query);
    const queue = await useCases.queue?.placeOf(run);
    res.json({ ...(await queries.detail(run)), ...(queue && { queue }) });
  });

  route('get', '/runs/:runId/events', undefined, async (req, res) => {
    const credentials = await access.user(req);
    const run = await access.readableRun(credentials, req.params.runId);
    rejectQuery(req.query);
    const { source, items } = await queries.events(run);
    res.json({ source, items });
  });

  route('get', '/runs/:runId/logs', undefined, async (req, res) => {
    const credentials = await access.user(req);
    // Whether the run may be read comes first: a foreign run's id with a
    // bad query answers the same 404 as with a good one.
    const run = await access.readableRun(credentials, req.params.runId);
    const logQuery = parseLogQuery(req.query);
    const closed = new AbortController();
    res.on('close', () => closed.abort());
    await queries.log(run, {
      ...logQuery,
      signal: closed.signal,
      open(source) {
        res.status(200);
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Tenant-Jobs-Log-Source', source);
        res.flushHeaders();
        return res;
      },
    });
  });

  route('post', '/runs/:runId/cancel', 'run-cancel', async (req, res) => {
    const credentials: UserCredentials = await access.user(req);
    const actor = credentials.principal.userEntityRef;
    const id = req.params.runId;
    // Its tenant goes to the audit trail, never to the caller.
    const found = await access.findRun(id);
    const cancelled = await audit.audited(
      'run-cancel',
      req,
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
        rejectQuery(req.query);
        return runs.cancel(run, actor);
      },
    );
    res.json(cancelled);
  });

  route('post', '/runs/:runId/retry', 'run-retry', async (req, res) => {
    const credentials = await access.user(req);
    const actor = credentials.principal.userEntityRef;
    const id = req.params.runId;
    const found = await access.findRun(id);
    // Counted under the run's tenant only once the caller may retry it:
    // a refused caller neither writes into nor learns of its series.
    const counted: SubmissionRequest = { retry: true };
    const result = await auditedSubmission(
      counted,
      'run-retry',
      req,
      actor,
      { tenantId: found?.tenantId, runId: id },
      async ctx => {
        const run = await access.readableRun(credentials, id, found);
        await access.requireMember(
          credentials,
          run.tenantId,
          notMember(run.tenantId),
        );
        rejectQuery(req.query);
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
    send(res, result);
  });
}
