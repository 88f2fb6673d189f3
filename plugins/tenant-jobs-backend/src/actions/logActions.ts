import { Writable } from 'node:stream';
import { parseLogQuery } from '../routes/listQuery';
import { LogSource } from '../usecases/RunQueries';
import { ActionContext, userOf } from './context';

/** The most of a log an action answers with, in characters. */
const MAX_LOG_CHARS = 256_000;

/**
 * `tail-run-logs`: the last lines of a run's log, from its live pod while
 * it runs or from the archive once it finished, read as
 * `GET /runs/:runId/logs` reads them.
 */
export function registerLogActions(context: ActionContext): void {
  const { registry, access, useCases } = context;
  registry.register({
    name: 'tail-run-logs',
    title: "Tail a run's log",
    description:
      "The last lines of a run's log (its newest pod's, or the pod named): live from the pod, or from the archive once the run finished and its log was kept. source says which. Call again to follow a running run. A run the caller may not read answers the same 'not found' as one that does not exist.",
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          runId: z.string().describe('The run id'),
          lines: z
            .number()
            .int()
            .min(1)
            .max(10_000)
            .optional()
            .describe(
              'How many of the last lines (1 to 10000; 200 when absent)',
            ),
          pod: z
            .string()
            .optional()
            .describe(
              "One of the run's pods (a retried attempt); its latest when absent",
            ),
        }),
      output: z =>
        z.object({
          source: z
            .enum(['live', 'archive', 'none'])
            .describe(
              'live: from the pod; archive: kept after the run; none: no log yet',
            ),
          lines: z.array(z.string()).describe('The last lines, oldest first'),
          truncated: z
            .boolean()
            .describe(
              'Whether earlier lines were (or, read live, may have been) left out',
            ),
        }),
    },
    async action({ input, credentials }) {
      const user = userOf(credentials);
      // Whether the run may be read comes first, as on the REST API.
      const run = await access.readableRun(user, input.runId);
      const wanted = input.lines ?? 200;
      const query = parseLogQuery({
        ...(input.pod && { pod: input.pod }),
        tailLines: wanted,
      });
      // Set by the read once it opened, from the live pod or the archive.
      const read: { source: LogSource | 'none' } = { source: 'none' };
      let text = '';
      const collect = new Writable({
        write(chunk, _encoding, callback) {
          text += chunk.toString();
          if (text.length > MAX_LOG_CHARS * 2) {
            text = text.slice(-MAX_LOG_CHARS);
          }
          callback();
        },
      });
      const done = new Promise<void>(resolve => collect.on('finish', resolve));
      let opened = false;
      await useCases.queries.log(run, {
        ...query,
        follow: false,
        open(from) {
          read.source = from;
          opened = true;
          return collect;
        },
      });
      if (opened) await done;
      const all = text.slice(-MAX_LOG_CHARS).split('\n');
      if (all[all.length - 1] === '') all.pop();
      const lines = all.slice(-wanted);
      return {
        output: {
          source: read.source,
          lines,
          // A live read asks the apiserver for the last lines only: as
          // many as asked means there may have been more before.
          truncated:
            lines.length < all.length ||
            text.length > MAX_LOG_CHARS ||
            (read.source === 'live' && lines.length === wanted),
        },
      };
    },
  });
}
