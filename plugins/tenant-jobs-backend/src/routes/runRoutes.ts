import express from 'express';
import { RunCommands } from '../usecases/RunCommands';
import { SubmitResult } from '../usecases/RunService';
import { RouteContext } from './context';
import {
  parseListQuery,
  parseLogQuery,
  parseStatsOptions,
  rejectQuery,
} from './listQuery';

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
  const { queries } = useCases;

  const commands = new RunCommands({
    access,
    audit,
    runs: useCases.runs,
    observability,
  });

  route('post', '/runs', 'run-submit', async (req, res) => {
    const credentials = await access.user(req);
    send(
      res,
      await commands.submit(
        { credentials, request: req, checkInput: () => rejectQuery(req.query) },
        req.body,
      ),
    );
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
    const credentials = await access.user(req);
    const caller = {
      credentials,
      request: req,
      checkInput: () => rejectQuery(req.query),
    };
    res.json(await commands.cancel(caller, req.params.runId));
  });

  route('post', '/runs/:runId/retry', 'run-retry', async (req, res) => {
    const credentials = await access.user(req);
    const caller = {
      credentials,
      request: req,
      checkInput: () => rejectQuery(req.query),
    };
    send(res, await commands.retry(caller, req.params.runId));
  });
}
