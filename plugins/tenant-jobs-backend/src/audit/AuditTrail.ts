import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { Request } from 'express';
import { AuditAction, AuditStore } from '../database';
import { statusOf } from '../lib/errorStatus';

export type AuditContext = {
  tenantId?: string;
  runId?: string;
  /** Set when the actor acts as the platform team (see TenantAccess). */
  asAdmin?: boolean;
  detail?: Record<string, unknown>;
};

function outcomeOf(error: unknown): 'refused' | 'failed' {
  return statusOf(error) < 500 ? 'refused' : 'failed';
}

/** Errors whose refusal or failure is already in the audit trail. */
const auditedErrors = new WeakSet<object>();

/** Whether `audited` already recorded this error. */
export function wasAudited(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && auditedErrors.has(error)
  );
}

/**
 * Runs an action under audit: an event through the auditor service and a
 * row in the plugin's own audit table, with who, what, tenant and outcome.
 * `req` is the HTTP request of a REST call; an action (for agents and the
 * CLI) has none, and its event then names the actor in its metadata.
 */
export function createAudit(options: {
  auditor: AuditorService;
  store: AuditStore;
  logger: LoggerService;
}) {
  return async function audited<T>(
    action: AuditAction,
    req: Request | undefined,
    actor: string | undefined,
    context: AuditContext,
    fn: (context: AuditContext) => Promise<T>,
  ): Promise<T> {
    const event = await options.auditor.createEvent({
      eventId: action,
      severityLevel: 'medium',
      request: req,
      meta: {
        tenantId: context.tenantId,
        runId: context.runId,
        ...(!req && { actor: actor ?? 'anonymous', via: 'action' }),
      },
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
          asAdmin: context.asAdmin,
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
        meta: {
          tenantId: context.tenantId,
          runId: context.runId,
          ...(context.asAdmin && { asAdmin: true }),
        },
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
      if (typeof error === 'object' && error !== null) {
        auditedErrors.add(error);
      }
      throw error;
    }
  };
}

/**
 * Records a request refused before any action ran (authentication, body,
 * query or path), through the auditor service and in the audit table.
 */
export function createRefusalAudit(options: {
  auditor: AuditorService;
  store: AuditStore;
}) {
  return async function refused(
    action: AuditAction,
    req: Request,
    actor: string | undefined,
    context: AuditContext & { status: number },
    error: Error,
  ): Promise<void> {
    const meta = {
      tenantId: context.tenantId,
      runId: context.runId,
      status: context.status,
    };
    const event = await options.auditor.createEvent({
      eventId: action,
      severityLevel: 'low',
      request: req,
      meta,
    });
    await event.fail({ error, meta });
    await options.store.append({
      actor: actor ?? 'anonymous',
      action,
      tenantId: context.tenantId,
      runId: context.runId,
      outcome: 'refused',
      detail: {
        ...context.detail,
        status: context.status,
        error: error.message,
      },
    });
  };
}

/**
 * The audit trail of the routes: {@link AuditTrail.audited} runs an action
 * under audit, {@link AuditTrail.refused} records a request refused before
 * its action ran. Both write through the auditor service and to the
 * plugin's own audit table.
 */
export class AuditTrail {
  readonly audited: ReturnType<typeof createAudit>;
  readonly refused: ReturnType<typeof createRefusalAudit>;

  constructor(options: {
    auditor: AuditorService;
    store: AuditStore;
    logger: LoggerService;
  }) {
    this.audited = createAudit(options);
    this.refused = createRefusalAudit(options);
  }
}
