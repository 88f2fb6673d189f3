import { z } from 'zod';
import { isCompleteEntityRef, normalizeEntityRef } from './entityRefs';
import { TENANT_ID_MAX_LENGTH, isDns1123Label } from './names';
import { DEFAULT_PRIORITY, PRIORITY_IDS } from './priorities';
import { TIER_IDS } from './tiers';
import type { PriorityId, TierId } from './types';
import {
  type ValidationProblem,
  describeIssues,
  formatProblems,
} from './validationMessages';

const PARAMETER_NAME = /^[a-zA-Z][a-zA-Z0-9]{0,62}$/;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const MAX_PARAMETERS = 64;
const MAX_PARAMETERS_JSON_LENGTH = 16 * 1024;

/** A zod error callback: `required` when the field is missing, else `message`. */
function requiredOr(message: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? 'is required' : message;
}

function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return Infinity;
  }
}

const tenantIdMessage = `must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${TENANT_ID_MAX_LENGTH} characters`;
const jobTypeMessage =
  "must be a job type id: lowercase letters, digits and '-', at most 63 characters";

/**
 * The fields of a submit request, shared with schedules.
 *
 * @public
 */
export const requestFields = {
  tenantId: z
    .string({ error: requiredOr(tenantIdMessage) })
    .refine(
      value => value.length <= TENANT_ID_MAX_LENGTH && isDns1123Label(value),
      { error: tenantIdMessage },
    ),
  jobType: z
    .string({ error: requiredOr(jobTypeMessage) })
    .refine(isDns1123Label, { error: jobTypeMessage }),
  tier: z
    .enum(TIER_IDS as [TierId, ...TierId[]], {
      error: `must be one of ${TIER_IDS.join(', ')}`,
    })
    .optional(),
  priority: z
    .enum(PRIORITY_IDS as [PriorityId, ...PriorityId[]], {
      error: `must be one of ${PRIORITY_IDS.join(', ')}`,
    })
    .default(DEFAULT_PRIORITY),
  parameters: z
    .record(z.string().regex(PARAMETER_NAME), z.unknown(), {
      error: issue =>
        issue.code === 'invalid_key'
          ? 'parameter names are letters and digits, starting with a letter, at most 63 characters'
          : 'must be an object of parameter values',
    })
    .refine(value => Object.keys(value).length <= MAX_PARAMETERS, {
      error: `must have at most ${MAX_PARAMETERS} parameters`,
      abort: true,
    })
    .refine(value => jsonLength(value) <= MAX_PARAMETERS_JSON_LENGTH, {
      error: `must be at most ${MAX_PARAMETERS_JSON_LENGTH} bytes as JSON`,
    })
    .default({}),
  entityRef: z
    .string({ error: 'must be a string' })
    .refine(isCompleteEntityRef, {
      error:
        'must be a complete catalog entity ref kind:namespace/name, e.g. component:default/my-service',
    })
    // Runs match their entity by string comparison.
    .transform(normalizeEntityRef)
    .optional(),
  idempotencyKey: z
    .string({ error: 'must be a string' })
    .regex(IDEMPOTENCY_KEY, {
      error:
        "must be 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
    })
    .optional(),
  dryRun: z.boolean({ error: 'must be true or false' }).default(false),
};

const allowedFields = Object.keys(requestFields).join(', ');

/**
 * Zod schema of the body of `POST /api/tenant-jobs/runs`. Strict: unknown
 * fields are refused, so a typo never silently drops a setting. Whether the
 * job type exists, its parameters match its JSON Schema, and the tier is
 * allowed are checked by the backend, which knows the configured types and
 * plans.
 *
 * @public
 */
export const jobRequestSchema = z.strictObject(requestFields, {
  error: issue => {
    if (issue.code === 'unrecognized_keys') {
      return `unknown field; allowed fields are ${allowedFields}`;
    }
    return issue.input === undefined
      ? 'a JSON object is required'
      : 'must be a JSON object';
  },
});

/**
 * A submit request as the client sends it.
 *
 * @public
 */
export type JobRequestInput = z.input<typeof jobRequestSchema>;

/**
 * A validated submit request, defaults applied (`priority` is `normal`,
 * `parameters` is `{}` and `dryRun` is `false` when absent).
 *
 * @public
 */
export type JobRequest = z.output<typeof jobRequestSchema>;

/**
 * Outcome of {@link parseJobRequest}.
 *
 * @public
 */
export type JobRequestParseResult =
  | { success: true; request: JobRequest }
  | { success: false; message: string; problems: ValidationProblem[] };

/**
 * Validates a submit request body. On failure, `message` names every
 * offending field, what it allows and what it got, e.g.
 * `tier: must be one of micro, small, medium, large, xlarge, enterprise (got 'huge')`.
 *
 * @public
 */
export function parseJobRequest(body: unknown): JobRequestParseResult {
  const result = jobRequestSchema.safeParse(body, { reportInput: true });
  const prototypeKeys = prototypeKeyProblems(body);
  if (result.success && prototypeKeys.length === 0) {
    return { success: true, request: result.data };
  }
  const problems = [
    ...(result.success ? [] : describeIssues(result.error.issues, body)),
    ...prototypeKeys,
  ];
  return { success: false, message: formatProblems(problems), problems };
}

function ownKeys(value: unknown): string[] {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.keys(value)
    : [];
}

/**
 * An own `__proto__` key (as `JSON.parse` makes it) in the parameters. zod
 * drops such a key from a record without an issue (the strict body object
 * does report one), so the request would pass with the key silently
 * ignored; it is refused instead, like any other invalid name.
 */
function prototypeKeyProblems(body: unknown): ValidationProblem[] {
  const parameters = ownKeys(body).includes('parameters')
    ? (body as { parameters?: unknown }).parameters
    : undefined;
  return ownKeys(parameters).includes('__proto__')
    ? [
        {
          path: 'parameters.__proto__',
          message:
            'parameter names are letters and digits, starting with a letter, at most 63 characters',
        },
      ]
    : [];
}
