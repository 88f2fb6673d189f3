import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CustomErrorBase,
  isError,
  InputError,
  serializeError,
  ServiceUnavailableError,
} from '@backstage/errors';
import express from 'express';
import { randomBytes } from 'node:crypto';
import { statusOf } from '../lib/errorStatus';

export { statusOf };

/** A request body larger than the plugin accepts (413). */
export class PayloadTooLargeError extends CustomErrorBase {
  readonly statusCode = 413;
}

/** A request body in a format the plugin does not read (415). */
export class UnsupportedMediaTypeError extends CustomErrorBase {
  readonly statusCode = 415;
}

/**
 * Parses JSON bodies, refusing anything else in the plugin's error shape:
 * malformed JSON is a 400, a body over `limit` a 413, a body that is not
 * `application/json` a 415. Requests without a body pass.
 */
export function jsonBody(
  limit: string,
  options: {
    /** Routes that also take a YAML document, read as text. */
    yamlPaths?: RegExp;
  } = {},
): express.RequestHandler {
  const json = express.json({ limit, strict: true });
  const yaml = express.text({
    limit,
    type: ['application/yaml', 'text/yaml', 'application/x-yaml'],
  });
  return (req, res, next) => {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined ||
      Number(req.headers['content-length'] ?? 0) > 0;
    const yamlAllowed = options.yamlPaths?.test(req.path) ?? false;
    const isYaml =
      yamlAllowed &&
      Boolean(req.is(['application/yaml', 'text/yaml', 'application/x-yaml']));
    if (hasBody && !req.is('application/json') && !isYaml) {
      next(
        new UnsupportedMediaTypeError(
          `Request bodies must be JSON (Content-Type: application/json)${
            yamlAllowed ? ' or YAML (application/yaml)' : ''
          }, not '${req.headers['content-type'] ?? 'none'}'`,
        ),
      );
      return;
    }
    const parse = isYaml ? yaml : json;
    parse(req, res, error => {
      if (!error) {
        next();
        return;
      }
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') {
        next(
          new PayloadTooLargeError(
            `The request body is larger than ${limit}; send less`,
          ),
        );
      } else if (type === 'entity.parse.failed') {
        next(
          new InputError(
            'The request body is not valid JSON; send one JSON object',
          ),
        );
      } else if (
        type === 'charset.unsupported' ||
        type === 'encoding.unsupported'
      ) {
        next(
          new UnsupportedMediaTypeError(
            'Send the request body as UTF-8 JSON without content encoding',
          ),
        );
      } else {
        next(new InputError('The request body could not be read'));
      }
    });
  };
}

/**
 * What a caller is told of a 5xx (misconfiguration, an unreachable
 * cluster, a bug): logged in full under a reference, answered with a
 * generic message naming it (and the cluster that is down), so
 * service-account names, file paths and stack traces stay in the log. The
 * REST API and the actions tell the same.
 */
export function publicError(
  error: Error,
  logger: LoggerService,
  what: string,
): Error {
  const reference = randomBytes(6).toString('hex');
  logger.error(`${what} failed (log reference ${reference})`, error);
  // Which cluster is down is the caller's to know (its runs name their
  // cluster); why, with addresses and files, stays in the log.
  const cluster = /^Cluster '([^']{1,63})'/.exec(error.message)?.[1];
  if (statusOf(error) === 503) {
    return new ServiceUnavailableError(
      cluster
        ? `Cluster '${cluster}' is unavailable; try again shortly (log reference ${reference})`
        : `A service this request needs (a cluster or the catalog) is unavailable; try again shortly (log reference ${reference})`,
    );
  }
  return new Error(
    `An internal error occurred (log reference ${reference}); an administrator finds the details in the backend log`,
  );
}

/**
 * The plugin's last error handler: answers in Backstage's error shape. A
 * 4xx keeps its message, written for the caller. A 5xx (misconfiguration,
 * an unreachable cluster, a bug) is logged in full under a reference and
 * answered with a generic message naming it, so service-account names,
 * file paths and stack traces stay in the log.
 */
export function errorHandler(options: {
  logger: LoggerService;
  /** Called for every 4xx, e.g. to audit the refusal. */
  onRefusal?(
    error: Error,
    req: express.Request,
    status: number,
    res: express.Response,
  ): Promise<void> | void;
}): express.ErrorRequestHandler {
  return async (rawError, req, res, next) => {
    const error = isError(rawError) ? rawError : new Error(String(rawError));
    const status = statusOf(error);
    let shown: Error = error;
    if (status >= 500) {
      shown = publicError(
        error,
        options.logger,
        `${req.method} ${req.originalUrl}`,
      );
    } else {
      try {
        await options.onRefusal?.(error, req, status, res);
      } catch (auditError) {
        options.logger.error('Could not audit a refusal', auditError as Error);
      }
    }
    if (res.headersSent) {
      next(rawError);
      return;
    }
    const body = serializeError(shown, { includeStack: false });
    delete (body as { stack?: string }).stack;
    delete (body as { cause?: unknown }).cause;
    res.status(status).json({
      error: body,
      request: { method: req.method, url: req.originalUrl },
      response: { statusCode: status },
    });
  };
}
