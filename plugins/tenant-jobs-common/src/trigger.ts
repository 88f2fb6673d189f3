import { z } from 'zod';
import { requestFields } from './request';
import {
  type ValidationProblem,
  describeIssues,
  formatProblems,
} from './validationMessages';

const TOPIC = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;
const PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+){0,9}$/;
const PARAMETER_NAME = /^[a-zA-Z][a-zA-Z0-9]{0,62}$/;

/** Path segments that name an object's machinery, not its data. */
const RESERVED_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

function isPayloadPath(path: string): boolean {
  return (
    PATH.test(path) &&
    !path.split('.').some(segment => RESERVED_SEGMENTS.has(segment))
  );
}

const pathMessage =
  "must be a dotted path into the event payload, e.g. 'repository.name' (letters, digits, '_' and '-', at most 10 levels, no __proto__, constructor or prototype)";

const triggerFields = {
  tenantId: requestFields.tenantId,
  jobType: requestFields.jobType,
  tier: requestFields.tier,
  priority: requestFields.priority,
  entityRef: requestFields.entityRef,
  topic: z
    .string({ error: 'is required: the events topic to listen to' })
    .regex(TOPIC, {
      error:
        "must be an events topic: letters, digits, '.', '_', ':', '/' or '-', at most 200 characters",
    }),
  filter: z
    .record(
      z.string().refine(isPayloadPath, { error: pathMessage }),
      z.union([z.string(), z.number(), z.boolean()], {
        error: 'filter values must be a string, a number or true/false',
      }),
      {
        error:
          "must map dotted paths into the event payload (e.g. 'repository.name') to the values they must equal",
      },
    )
    .refine(value => Object.keys(value).length <= 20, {
      error: 'must have at most 20 conditions',
    })
    .default({}),
  parameters: z
    .record(
      z.string().regex(PARAMETER_NAME, {
        error:
          'parameter names are letters and digits, starting with a letter, at most 63 characters',
      }),
      z.union(
        [
          z.strictObject({
            from: z.string().refine(isPayloadPath, { error: pathMessage }),
          }),
          z.strictObject({ value: z.unknown() }),
        ],
        {
          error:
            "each parameter must be { from: '<payload path>' } or { value: <constant> }",
        },
      ),
      { error: 'must be an object mapping parameter names to their source' },
    )
    .default({}),
};

/**
 * Whether `path` is a dotted path into an event payload, as trigger
 * filters, parameter mappings and a topic's `tenantPath` write them.
 *
 * @public
 */
export function isTriggerPayloadPath(path: string): boolean {
  return isPayloadPath(path);
}

/**
 * Topics no trigger rule may listen to, whatever the platform team's
 * allowlist says: their events carry other tenants' or users' data
 * (Backstage's signals and notifications, scaffolder tasks with their
 * parameters and creators, this plugin's own run events).
 *
 * @public
 */
export const FORBIDDEN_TRIGGER_TOPICS: readonly string[] = Object.freeze([
  'signals',
  'notifications',
  'scaffolder',
  'tenant-jobs',
]);

/**
 * Why no rule may listen to `topic` (one of
 * {@link FORBIDDEN_TRIGGER_TOPICS}, or a topic under one of them, such as
 * `scaffolder.task`), or undefined when the allowlist may name it.
 *
 * @public
 */
export function forbiddenTriggerTopic(topic: string): string | undefined {
  const lower = topic.toLocaleLowerCase('en-US');
  const match = FORBIDDEN_TRIGGER_TOPICS.find(
    forbidden =>
      lower === forbidden ||
      (lower.startsWith(forbidden) &&
        /^[.:/]/.test(lower.slice(forbidden.length))),
  );
  return match
    ? `topic '${topic}' carries other tenants' or users' data (${match}), so no trigger rule may listen to it`
    : undefined;
}

const allowed = Object.keys(triggerFields).join(', ');

/**
 * Zod schema of the body of `POST /api/tenant-jobs/triggers`; strict.
 *
 * @public
 */
export const triggerRequestSchema = z.strictObject(triggerFields, {
  error: issue =>
    issue.code === 'unrecognized_keys'
      ? `unknown field; allowed fields are ${allowed}`
      : 'must be a JSON object',
});

/**
 * A validated trigger rule request, defaults applied.
 *
 * @public
 */
export type TriggerRequest = z.output<typeof triggerRequestSchema>;

/**
 * Validates a trigger rule; on failure `message` names what to fix.
 *
 * @public
 */
export function parseTriggerRequest(
  body: unknown,
):
  | { success: true; request: TriggerRequest }
  | { success: false; message: string; problems: ValidationProblem[] } {
  const result = triggerRequestSchema.safeParse(body, { reportInput: true });
  if (result.success) return { success: true, request: result.data };
  const problems = describeIssues(result.error.issues, body);
  return { success: false, message: formatProblems(problems), problems };
}

/**
 * The value at a dotted path of an event payload (`repository.name`), or
 * undefined when the payload has none there.
 *
 * @public
 */
export function triggerPayloadValue(payload: unknown, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Whether an event payload matches a rule's filter: every path equals its
 * value.
 *
 * @public
 */
export function matchesTriggerFilter(
  filter: TriggerRequest['filter'],
  payload: unknown,
): boolean {
  return Object.entries(filter).every(
    ([path, value]) => triggerPayloadValue(payload, path) === value,
  );
}

/**
 * A rule's job parameters for one event; a `from` path the payload lacks
 * leaves the parameter out (the job type's schema then decides).
 *
 * @public
 */
export function mapTriggerParameters(
  mapping: TriggerRequest['parameters'],
  payload: unknown,
): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (const [name, source] of Object.entries(mapping)) {
    const value =
      'from' in source
        ? triggerPayloadValue(payload, source.from)
        : source.value;
    if (value !== undefined) parameters[name] = value;
  }
  return parameters;
}

/**
 * A trigger rule as the REST API returns it.
 *
 * @public
 */
export interface TenantJobTrigger extends TriggerRequest {
  id: string;
  createdBy: string;
  createdAt: string;
  /** Events that matched and launched a run. */
  launched: number;
  /** Events that matched but launched nothing, by reason. */
  dropped: Record<string, number>;
}
