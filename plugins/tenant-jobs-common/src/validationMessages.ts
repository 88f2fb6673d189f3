import type { z } from 'zod';

/**
 * One problem found in a request, ready to show to a person.
 *
 * @public
 */
export interface ValidationProblem {
  /** Dotted path of the offending field, e.g. `parameters.epochs`; empty for the body itself. */
  path: string;
  /** What is wrong and what is allowed, with the value received when known. */
  message: string;
}

const MAX_SHOWN_LENGTH = 40;

/**
 * A short, safe rendering of a received value for error messages: strings
 * quoted and cut to 40 characters, control characters escaped.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const cut =
      value.length > MAX_SHOWN_LENGTH
        ? `${value.slice(0, MAX_SHOWN_LENGTH)}…`
        : value;
    const escaped = JSON.stringify(cut).slice(1, -1).replace(/'/g, "\\'");
    return `'${escaped}'`;
  }
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (typeof value === 'object') {
    return 'an object';
  }
  return String(value);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') {
      return `${text}[${key}]`;
    }
    return text ? `${text}.${String(key)}` : String(key);
  }, '');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Turns zod issues into problems that name the field, say what is allowed
 * and show what was received, e.g.
 * `tier: must be one of micro, small, medium, large, xlarge, enterprise (got 'huge')`.
 * The received value comes from the issue (parse with `reportInput: true`)
 * or else from `input`.
 *
 * @public
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  input?: unknown,
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({
          path: formatPath([...issue.path, key]),
          message: issue.message,
        });
      }
      continue;
    }
    const received =
      'input' in issue && issue.input !== undefined
        ? issue.input
        : valueAt(input, issue.path);
    problems.push({
      path: formatPath(issue.path),
      message:
        received === undefined
          ? issue.message
          : `${issue.message} (got ${describeValue(received)})`,
    });
  }
  return problems;
}

/**
 * The problems as one line: `path: message; path: message`. The body itself
 * is called `request body`.
 *
 * @public
 */
export function formatProblems(problems: readonly ValidationProblem[]): string {
  return problems
    .map(
      problem =>
        `${problem.path === '' ? 'request body' : problem.path}: ${
          problem.message
        }`,
    )
    .join('; ');
}
