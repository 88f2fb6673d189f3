import { ConflictError, InputError } from '@backstage/errors';
import {
  checkConfigurationLimit,
  TenantPlan,
  parseScheduleRequest,
  parseTriggerRequest,
  ScheduleRequest,
  TriggerRequest,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { Document, isAlias, parseDocument, stringify, visit } from 'yaml';
import { ScheduleStore, TriggerStore } from '../database';
import { statusOf } from '../lib/errorStatus';
import { ScheduleService } from './ScheduleService';
import { TriggerService } from './TriggerService';

const API_VERSION = 'tenant-jobs.io/v1';
const KIND = 'TenantJobsConfiguration';

/** A tenant's schedules and triggers as one document. */
export type TenantConfigurationDocument = {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  tenant: string;
  schedules: Array<Omit<ScheduleRequest, 'tenantId'>>;
  triggers: Array<Omit<TriggerRequest, 'tenantId'>>;
};

/** What `POST /tenants/:tenantId/configuration?dryRun=true` answers. */
export type ConfigurationPreview = {
  dryRun: true;
  /** What an import would create (none when anything is refused). */
  schedules: Array<{
    jobType: string;
    cron: string;
    timeZone: string;
    paused: boolean;
  }>;
  triggers: Array<{ jobType: string; topic: string }>;
  /** Why the import would be refused, each saying what to fix. */
  problems: string[];
};

/**
 * What a plain document does not need and an import does not accept:
 * aliases and anchors (which can expand a small text into a huge one) and
 * explicit tags (which ask the parser for other types), with where each is.
 */
function unacceptedSyntax(document: Document): string[] {
  const found: string[] = [];
  visit(document, {
    Node(_key, node) {
      const where = node.range ? ` at offset ${node.range[0]}` : '';
      if (isAlias(node)) {
        found.push(`alias *${node.source}${where}`);
        return;
      }
      if (node.anchor) found.push(`anchor &${node.anchor}${where}`);
      if (node.tag) found.push(`tag ${node.tag}${where}`);
    },
  });
  return found;
}

function withoutTenant<T extends { tenantId: string }>(
  value: T,
): Omit<T, 'tenantId'> {
  const { tenantId: _tenantId, ...rest } = value;
  return rest;
}

/**
 * Export and import of a tenant's job configurations (schedules and
 * trigger rules) as one YAML document: the seed's backup and restore. An
 * import is checked whole before anything is created, and created whole or
 * not at all.
 */
export class TenantConfiguration {
  constructor(
    private readonly deps: {
      schedules: ScheduleService;
      scheduleStore: ScheduleStore;
      triggers: TriggerService;
      triggerStore: TriggerStore;
      /** The tenant's plan, for its limits on schedules and triggers. */
      planOf(tenantId: string): Promise<TenantPlan>;
    },
  ) {}

  async exportYaml(tenantId: string): Promise<string> {
    const document: TenantConfigurationDocument = {
      apiVersion: API_VERSION,
      kind: KIND,
      tenant: tenantId,
      schedules: (await this.deps.scheduleStore.list([tenantId])).map(s =>
        withoutTenant({ ...s.request, paused: s.paused }),
      ),
      triggers: (await this.deps.triggerStore.list([tenantId])).map(t =>
        withoutTenant(t.request),
      ),
    };
    return stringify(document);
  }

  /** Reads and checks a document for `tenantId`; throws what to fix. */
  parse(
    text: string,
    tenantId: string,
  ): { schedules: ScheduleRequest[]; triggers: TriggerRequest[] } {
    const { schedules, triggers, problems } = this.read(text, tenantId);
    if (problems.length > 0) throw new InputError(problems.join('; '));
    return { schedules, triggers };
  }

  /**
   * What an import of the document would do, creating nothing: the
   * schedules and rules it would create, and every reason it would be
   * refused (what to fix in the document, or a plan limit it would pass).
   * A text that is no plain YAML mapping is still a 400.
   */
  async preview(
    text: string,
    tenantId: string,
    actor: string,
  ): Promise<ConfigurationPreview> {
    const { schedules, triggers, problems } = this.read(text, tenantId);
    problems.push(...(await this.limitProblems(tenantId, schedules, triggers)));
    if (problems.length === 0) {
      problems.push(
        ...(await this.requestProblems(schedules, triggers, actor)),
      );
    }
    const refused = problems.length > 0;
    return {
      dryRun: true,
      schedules: refused
        ? []
        : schedules.map(s => ({
            jobType: s.jobType,
            cron: s.cron,
            timeZone: s.timeZone ?? 'UTC',
            paused: s.paused ?? false,
          })),
      triggers: refused
        ? []
        : triggers.map(t => ({ jobType: t.jobType, topic: t.topic })),
      problems,
    };
  }

  /**
   * Why the import would refuse any of the schedules and rules as their
   * own routes would (job type, plan, tier, priority, parameters, entity,
   * topic, the cluster's dry run), each naming its place in the document.
   */
  private async requestProblems(
    schedules: ScheduleRequest[],
    triggers: TriggerRequest[],
    actor: string,
  ): Promise<string[]> {
    const problems: string[] = [];
    const judge = async (where: string, check: () => Promise<unknown>) => {
      try {
        await check();
      } catch (error) {
        // A refusal says what to fix; anything else is the backend's.
        if (statusOf(error) >= 500) throw error;
        problems.push(`${where}: ${(error as Error).message}`);
      }
    };
    for (const [i, request] of schedules.entries()) {
      await judge(`schedules[${i}]`, () =>
        this.deps.schedules.check(request, actor),
      );
    }
    for (const [i, request] of triggers.entries()) {
      await judge(`triggers[${i}]`, () =>
        this.deps.triggers.check(request, actor),
      );
    }
    return problems;
  }

  /** Why the document's schedules and rules would pass the plan's limits. */
  private async limitProblems(
    tenantId: string,
    schedules: ScheduleRequest[],
    triggers: TriggerRequest[],
  ): Promise<string[]> {
    // The document counts with what the tenant keeps, before anything is
    // created, so an import never stops halfway at a limit.
    const plan = await this.deps.planOf(tenantId);
    return [
      checkConfigurationLimit(
        plan,
        'schedules',
        await this.deps.scheduleStore.countOf(tenantId),
        schedules.length,
      ),
      checkConfigurationLimit(
        plan,
        'triggers',
        await this.deps.triggerStore.countOf(tenantId),
        triggers.length,
      ),
    ].filter((problem): problem is string => Boolean(problem));
  }

  /**
   * The document's schedules and rules and what is wrong with them; throws
   * only when the text is no plain YAML mapping.
   */
  private read(
    text: string,
    tenantId: string,
  ): {
    schedules: ScheduleRequest[];
    triggers: TriggerRequest[];
    problems: string[];
  } {
    const document = parseDocument(text, { prettyErrors: false });
    if (document.errors.length > 0) {
      throw new InputError(
        `The document is not valid YAML: ${document.errors[0].message}`,
      );
    }
    const unaccepted = unacceptedSyntax(document);
    if (unaccepted.length > 0) {
      throw new InputError(
        `The document uses YAML features an import does not accept: ${unaccepted
          .slice(0, 5)
          .join(', ')}${
          unaccepted.length > 5 ? ` and ${unaccepted.length - 5} more` : ''
        }; write every value out in full, without anchors, aliases or tags`,
      );
    }
    const value = document.toJS({ maxAliasCount: 0 }) as Record<
      string,
      unknown
    >;
    const problems: string[] = [];
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new InputError(`The document must be a ${KIND} mapping`);
    }
    if (value.apiVersion !== API_VERSION || value.kind !== KIND) {
      problems.push(`apiVersion and kind must be ${API_VERSION} and ${KIND}`);
    }
    if (value.tenant !== undefined && value.tenant !== tenantId) {
      // Not String(): a mapping with its own toString cannot be one.
      problems.push(
        typeof value.tenant === 'string'
          ? `tenant: the document is for '${value.tenant.slice(
              0,
              64,
            )}', not '${tenantId}'; to copy it into '${tenantId}', remove its tenant line`
          : `tenant: must be the tenant id '${tenantId}'`,
      );
    }
    const unknown = Object.keys(value).filter(
      key =>
        !['apiVersion', 'kind', 'tenant', 'schedules', 'triggers'].includes(
          key,
        ),
    );
    if (unknown.length > 0) {
      problems.push(`unknown fields: ${unknown.join(', ')}`);
    }
    const list = (key: 'schedules' | 'triggers') => {
      const items = value[key] ?? [];
      if (!Array.isArray(items)) {
        problems.push(`${key}: must be a list`);
        return [];
      }
      return items as unknown[];
    };
    const schedules: ScheduleRequest[] = [];
    list('schedules').forEach((item, i) => {
      const parsed = parseScheduleRequest({ ...(item as object), tenantId });
      if (parsed.success) schedules.push(parsed.request);
      else problems.push(`schedules[${i}]: ${parsed.message}`);
    });
    const triggers: TriggerRequest[] = [];
    list('triggers').forEach((item, i) => {
      const parsed = parseTriggerRequest({ ...(item as object), tenantId });
      if (parsed.success) triggers.push(parsed.request);
      else problems.push(`triggers[${i}]: ${parsed.message}`);
    });
    return { schedules, triggers, problems };
  }

  /**
   * Creates every schedule and trigger of the document as `actor`; when one
   * is refused, those created before it are removed again.
   */
  async importYaml(
    text: string,
    tenantId: string,
    actor: string,
  ): Promise<{ schedules: number; triggers: number }> {
    const { schedules, triggers } = this.parse(text, tenantId);
    const limits = await this.limitProblems(tenantId, schedules, triggers);
    if (limits.length > 0) throw new ConflictError(limits.join('; '));
    // Every item is judged before the first is created, as the preview
    // judges them: a refusal creates nothing and names every item to fix.
    const refusals = await this.requestProblems(schedules, triggers, actor);
    if (refusals.length > 0) throw new InputError(refusals.join('; '));
    const createdSchedules = [];
    const createdTriggers = [];
    try {
      for (const request of schedules) {
        createdSchedules.push(await this.deps.schedules.create(request, actor));
      }
      for (const request of triggers) {
        createdTriggers.push(await this.deps.triggers.create(request, actor));
      }
    } catch (error) {
      for (const schedule of createdSchedules) {
        await this.deps.schedules.delete(schedule);
      }
      for (const rule of createdTriggers) {
        await this.deps.triggers.delete(rule);
      }
      throw error;
    }
    return {
      schedules: createdSchedules.length,
      triggers: createdTriggers.length,
    };
  }
}
