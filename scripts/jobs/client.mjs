// The caller's connection to a Backstage with Tenant Jobs: the token that
// `backstage-cli auth login` stored for them (refreshed when it expires),
// the plugin's actions (the Actions Registry, as `backstage-cli actions`
// calls them) and its REST API for what has no action.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The API answered with an error; its status and message as it said them. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** No sign-in stored for this instance. */
export class NotSignedInError extends Error {
  constructor(cause) {
    super(
      `Not signed in to Backstage (${cause}). Sign in as yourself first: make login (backstage-cli auth login)`,
    );
    this.name = 'NotSignedInError';
  }
}

/** The message of an error answer, in Backstage's shape or as text. */
async function errorOf(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    const error = body.error ?? {};
    if (error.name && error.message) {
      return new ApiError(response.status, `${error.name}: ${error.message}`);
    }
  } catch {
    // not JSON: the text says it
  }
  return new ApiError(
    response.status,
    `${response.status} ${response.statusText}${text ? `: ${text}` : ''}`,
  );
}

/**
 * Connects as the signed-in user of a stored instance (the selected one,
 * or `instance`). Throws NotSignedInError when there is none.
 */
export async function connect(options = {}) {
  const { CliAuth } = require('@backstage/cli-node');
  let auth;
  let token;
  try {
    auth = await CliAuth.create({ instanceName: options.instance });
    token = await auth.getAccessToken();
  } catch (error) {
    throw new NotSignedInError(error.message ?? String(error));
  }
  const baseUrl = auth.getBaseUrl().replace(/\/$/, '');
  const api = `${baseUrl}/api/tenant-jobs`;
  const headers = { Authorization: `Bearer ${token}` };

  async function send(url, init = {}) {
    const response = await fetch(url, {
      ...init,
      headers: { ...headers, ...init.headers },
    });
    if (!response.ok) {
      throw await errorOf(response);
    }
    return response;
  }

  return {
    baseUrl,
    instance: auth.getInstanceName(),

    /** Runs an action of the plugin; its output. */
    async invoke(action, input = {}) {
      const id = encodeURIComponent(`tenant-jobs:${action}`);
      const response = await send(
        `${api}/.backstage/actions/v1/actions/${id}/invoke`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(input),
        },
      );
      return (await response.json()).output;
    },

    /**
     * A REST request below /api/tenant-jobs; `path` is a list of segments,
     * each encoded, so no input ever shapes the URL beyond its segment.
     */
    async request(path, init = {}) {
      const url = new URL(
        `${api}/${path.map(segment => encodeURIComponent(segment)).join('/')}`,
      );
      for (const [key, value] of Object.entries(init.query ?? {})) {
        if (value !== undefined) {
          url.searchParams.set(key, String(value));
        }
      }
      const { query, ...rest } = init;
      return send(url, rest);
    },

    /** A URL of the backend, answered without the caller's token. */
    async probe(path) {
      const response = await fetch(`${baseUrl}${path}`, {
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      return { ok: response.ok, status: response.status, body };
    },
  };
}
