/**
 * An error answered by the Tenant Jobs backend, in Backstage's error shape
 * `{ error: { name, message } }`, or a failure to reach it (`status` 0).
 *
 * @public
 */
export class TenantJobsApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when the backend could not be reached. */
    readonly status: number,
    /** The error name the backend gave, e.g. `NotAllowedError`. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'TenantJobsApiError';
  }

  /** Reads the error a failed response carries. */
  static async fromResponse(response: Response): Promise<TenantJobsApiError> {
    let message = `${response.status} ${response.statusText}`.trim();
    let reason: string | undefined;
    try {
      const body = await response.json();
      if (typeof body?.error?.message === 'string') {
        message = body.error.message;
      }
      if (typeof body?.error?.name === 'string') {
        reason = body.error.name;
      }
    } catch {
      // Not JSON (a proxy's error page): keep the status line.
    }
    return new TenantJobsApiError(message, response.status, reason);
  }
}

/**
 * The HTTP status of an error, when it is one the backend answered.
 *
 * @public
 */
export function statusOf(error: unknown): number | undefined {
  return error instanceof TenantJobsApiError ? error.status : undefined;
}
