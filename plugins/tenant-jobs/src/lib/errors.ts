import { TenantJobsApiError } from '../api';

/** What went wrong and what the user can do about it. */
export interface ErrorDescription {
  title: string;
  message: string;
  advice: string;
}

/**
 * An error in words a user can act on: an unreachable backend or cluster,
 * a lost session, a missing permission, a run that is gone.
 */
export function describeError(
  error: unknown,
  what = 'load the jobs',
): ErrorDescription {
  const message = (error as Error)?.message ?? String(error);
  if (!(error instanceof TenantJobsApiError)) {
    return {
      title: `Could not ${what}`,
      message,
      advice: 'Try again; reload the page if it persists.',
    };
  }
  switch (true) {
    case error.status === 0:
      return {
        title: 'The Tenant Jobs backend cannot be reached',
        message,
        advice:
          'Check your network connection and that the Backstage backend is running, then try again.',
      };
    case error.status === 401:
      return {
        title: 'You are signed out',
        message,
        advice: 'Sign in again, then try again.',
      };
    case error.status === 403:
      return {
        title: 'You may not do this',
        message,
        advice:
          "Only members of a tenant's group may see and launch its jobs. Ask the group's owners to add you.",
      };
    case error.status === 404:
      return {
        title: 'Not found',
        message,
        advice:
          'The run does not exist, or it belongs to a tenant you are not a member of.',
      };
    case error.status === 409:
      return {
        title: 'Refused by the tenant or the cluster',
        message,
        advice: 'Read the reason above; it says what to change.',
      };
    case error.status === 400:
      return {
        title: 'The request was refused',
        message,
        advice: 'Correct the field the message names and try again.',
      };
    case error.status >= 500:
      return {
        title: 'The backend or the cluster failed',
        message,
        advice:
          'The cluster may be unreachable. Try again in a moment; if it persists, give the log reference to your platform team.',
      };
    default:
      return {
        title: `Could not ${what}`,
        message,
        advice: 'Try again.',
      };
  }
}
