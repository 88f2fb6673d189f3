import { isError } from '@backstage/errors';

const STATUS_BY_NAME: Record<string, number> = {
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  NotImplementedError: 501,
  ServiceUnavailableError: 503,
};

/** The HTTP status an error answers with, as Backstage's error handler. */
export function statusOf(error: unknown): number {
  const own = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof own === 'number' && own >= 400 && own <= 599) return own;
  return (isError(error) && STATUS_BY_NAME[error.name]) || 500;
}
