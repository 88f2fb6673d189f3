import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { Request } from 'express';
import { AuditAction, AuditStore } from '../database';

export type AuditContext = {
  tenantId?: string;
  runId?: string;
  detail?: Record<string, unknown>;
};

function outcomeOf(error: unknown): 'refused' | 'failed' {
  const name = isError(error) ? error.name : '';
  return [
    'InputError',
    'NotAllowedError',
    'AuthenticationError',
    'NotFoundError',
    'ConflictError',
  ].includes(name)
    ? 'refused'
    : 'failed';
}

/**
 * Runs an action under audit: an event through the auditor service and a
 * row in the plugin's own audit table, with who, what, tenant and outcome.
 */
export function createAudit(options: {
  auditor: AuditorService;
  store: AuditStore;
  logger: LoggerService;
}) {
  return async function audited<T>(
    action: AuditAction,
    req: Request,
    actor: string | undefined,
    context: AuditContext,
    fn: (context: AuditContext) => Promise<T>,
  ): Promise<T> {
    const event = await options.auditor.createEvent({
      eventId: action,
      severityLevel: 'medium',
      request: req,
      meta: { tenantId: context.tenantId, runId: context.runId },
    });
    const record = async (
      outcome: 'succeeded' | 'refused' | 'failed',
      detail?: Record<string, unknown>,
    ) => {
      try {
        await options.store.append({
          actor: actor ?? 'anonymous',
          action,
          tenantId: context.tenantId,
          runId: context.runId,
          outcome,
          detail: { ...context.detail, ...detail },
        });
      } catch (error) {
        options.logger.error(
          `Could not write the audit trail for ${action}`,
          error as Error,
        );
      }
    };
    try {
      const result = await fn(context);
      await event.success({
        meta: { tenantId: context.tenantId, runId: context.runId },
      });
      await record('succeeded');
      return result;
    } catch (error) {
      const err = isError(error) ? error : new Error(String(error));
      await event.fail({
        error: err,
        meta: { tenantId: context.tenantId, runId: context.runId },
      });
      await record(outcomeOf(error), { error: err.message });
      throw error;
    }
  };
}
