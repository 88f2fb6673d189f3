import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  isError,
  NotAllowedError,
} from '@backstage/errors';
import type { EventParams, EventsService } from '@backstage/plugin-events-node';
import {
  checkConfigurationLimit,
  checkJobTypeAllowed,
  forbiddenTriggerTopic,
  checkPriorityAllowed,
  checkTierAllowed,
  mapTriggerParameters,
  matchesTriggerFilter,
  TenantJobTrigger,
  TriggerRequest,
  triggerPayloadValue,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { createHash, randomUUID } from 'node:crypto';
import type { TenantDirectory } from '../catalog/TenantDirectory';
import type { TriggerTopic } from '../config/readConfig';
import { AuditStore, TriggerRecord, TriggerStore } from '../database';
import { statusOf } from '../lib/errorStatus';
import { RunService } from './RunService';
import { JobTypeRegistry } from './JobTypeRegistry';

/** What a server-generated id looks like. */
const UUID = /^[0-9a-f-]{36}$/;

/**
 * What identifies an event for deduplication: the id its topic names (a
 * payload path, or a metadata key such as a webhook's delivery header);
 * else a fresh one, since Backstage's events carry no id of their own (an
 * event is a topic, a payload and optional metadata).
 */
function eventIdentity(
  topic: TriggerTopic | undefined,
  event: EventParams,
): string {
  let id: unknown;
  if (topic?.idPath) id = triggerPayloadValue(event.eventPayload, topic.idPath);
  if (id === undefined && topic?.idMetadata) {
    const value = Object.entries(event.metadata ?? {}).find(
      ([key]) => key.toLocaleLowerCase('en-US') === topic.idMetadata,
    )?.[1];
    id = Array.isArray(value) ? value[0] : value;
  }
  return typeof id === 'string' || typeof id === 'number'
    ? `id:${String(id)}`
    : `delivery:${randomUUID()}`;
}

/** How long a rule owner's membership, read from the catalog, is reused. */
const MEMBERSHIP_TTL_MS = 10_000;

/** The rule's owner left the tenant's Group: the rule launches nothing. */
class OwnerNotMemberError extends NotAllowedError {}

/** Why a matching event launched nothing, as a bounded reason. */
function dropReason(error: unknown): string {
  if (error instanceof OwnerNotMemberError) return 'OwnerNotMember';
  const status = statusOf(error);
  const message = isError(error) ? error.message : '';
  if (/queue, which holds at most/.test(message)) return 'QueueFull';
  if (/exceeded quota/i.test(message)) return 'QuotaExceeded';
  if (status === 400) return 'InvalidParameters';
  if (status === 403) return 'NotAllowed';
  if (status === 404) return 'UnknownTenant';
  if (status === 409) return 'Conflict';
  return 'Error';
}

/**
 * Counts a launch like any other submission: the plugin's metrics wrap it
 * (outcome, reason, a span).
 */
export type CountedSubmission = <
  T extends { kind: 'created' | 'existing' | 'dryRun' },
>(
  request: {
    tenantId?: unknown;
    jobType?: unknown;
    priority?: unknown;
    /** A retry of an earlier run. */
    retry?: boolean;
  },
  submit: () => Promise<T>,
) => Promise<T>;

/**
 * Event-driven jobs: trigger rules subscribe to topics of Backstage's
 * events service; an event whose payload matches a rule's filter launches
 * the rule's job type as the rule's owner, within the tenant's plan and
 * through its queue. One event launches at most once per rule (the
 * idempotency key is derived from the rule and the event), and a storm
 * queues or drops with a counted reason, never past the tenant's limits.
 */
export class TriggerService {
  private readonly subscribed = new Set<string>();
  /** Owner membership by `owner\ntenant`, with when it was read. */
  private readonly memberships = new Map<
    string,
    { at: number; member: boolean }
  >();
  /** Reads of it under way, shared by the events of a storm. */
  private readonly readingMemberships = new Map<string, Promise<boolean>>();

  constructor(
    private readonly deps: {
      jobs: RunService;
      jobTypes: JobTypeRegistry;
      triggers: TriggerStore;
      tenants: Pick<TenantDirectory, 'isMember'>;
      events: EventsService;
      auditor: AuditorService;
      audit: AuditStore;
      logger: LoggerService;
      /** The topics rules may listen to (`tenantJobs.triggers.topics`). */
      topics: Map<string, TriggerTopic>;
      /** Counts launches like other submissions. */
      observability?: { submission: CountedSubmission };
    },
  ) {}

  /** The topics rules may listen to, as the API lists them. */
  topics(): Array<{
    topic: string;
    scope: 'tenant' | 'shared';
    tenantPath?: string;
    description?: string;
  }> {
    return [...this.deps.topics.values()].map(t => ({
      topic: t.topic,
      scope: t.shared ? 'shared' : 'tenant',
      ...(t.tenantPath && { tenantPath: t.tenantPath }),
      ...(t.description && { description: t.description }),
    }));
  }

  /** Why no rule may listen to `topic`, or undefined when one may. */
  private topicRefusal(topic: string): string | undefined {
    const forbidden = forbiddenTriggerTopic(topic);
    if (forbidden) return `topic: ${forbidden}`;
    if (this.deps.topics.has(topic)) return undefined;
    const allowed = [...this.deps.topics.keys()];
    return `topic: '${topic}' is not a topic trigger rules may listen to; ${
      allowed.length > 0
        ? `the platform team allows ${allowed.join(', ')}`
        : 'the platform team allows none yet'
    } (tenantJobs.triggers.topics, listed by GET /trigger-topics)`;
  }

  /** The rule with this id, if there is one (ids are UUIDs). */
  async find(id: string): Promise<TriggerRecord | undefined> {
    return UUID.test(id) ? this.deps.triggers.find(id) : undefined;
  }

  /** The rules of these tenants. */
  list(tenantIds: string[]): Promise<TriggerRecord[]> {
    return this.deps.triggers.list(tenantIds);
  }

  toApi(rule: TriggerRecord): TenantJobTrigger {
    return {
      ...rule.request,
      id: rule.id,
      createdBy: rule.createdBy,
      createdAt: rule.createdAt,
      launched: rule.launched,
      dropped: rule.dropped,
    };
  }

  /**
   * Subscribes to the allowed topics of the stored rules. A rule whose
   * topic is no longer allowed stays stored (so it can be read and
   * deleted) but hears nothing.
   */
  async start(): Promise<void> {
    for (const topic of await this.deps.triggers.topics()) {
      const refusal = this.topicRefusal(topic);
      if (refusal) {
        this.deps.logger.warn(
          `Trigger rules on '${topic}' launch nothing: ${refusal}`,
        );
        continue;
      }
      await this.subscribe(topic);
    }
  }

  async create(request: TriggerRequest, actor: string): Promise<TriggerRecord> {
    const topicRefusal = this.topicRefusal(request.topic);
    if (topicRefusal) throw new InputError(topicRefusal);
    const tenant = await this.deps.jobs.resolveTenant(request.tenantId);
    const limit = checkConfigurationLimit(
      tenant.plan,
      'triggers',
      await this.deps.triggers.countOf(tenant.id),
      1,
    );
    if (limit) throw new ConflictError(limit);
    await this.check(request, actor);
    const rule = await this.deps.triggers.create({
      id: randomUUID(),
      tenantId: tenant.id,
      request,
      createdBy: actor,
    });
    await this.subscribe(request.topic);
    return rule;
  }

  /**
   * Everything a rule is checked for when created (its topic, the job
   * type, plan, tier, priority and parameters, its creator a member of the
   * tenant), creating nothing; throws what to fix. The plan's limit on
   * rules is the caller's to check.
   */
  async check(request: TriggerRequest, actor: string): Promise<void> {
    const topicRefusal = this.topicRefusal(request.topic);
    if (topicRefusal) throw new InputError(topicRefusal);
    const tenant = await this.deps.jobs.resolveTenant(request.tenantId);
    const jobType = this.deps.jobTypes.get(request.jobType);
    if (!jobType) {
      throw new InputError(`jobType: unknown job type '${request.jobType}'`);
    }
    const problems = [
      checkJobTypeAllowed(jobType, tenant.plan),
      checkTierAllowed(
        jobType,
        tenant.plan,
        request.tier ?? jobType.defaultTier,
      ),
      checkPriorityAllowed(tenant.plan, request.priority),
      ...Object.keys(request.parameters)
        .filter(name => !(name in jobType.parameterSchema.properties))
        .map(
          name =>
            `parameters.${name}: job type '${
              jobType.id
            }' has no such parameter; it has ${
              Object.keys(jobType.parameterSchema.properties).join(', ') ||
              'none'
            }`,
        ),
    ].filter((problem): problem is string => Boolean(problem));
    if (problems.length > 0) throw new InputError(problems.join('; '));
    // It launches as its creator, checked as each event comes: refused now
    // rather than dropping every event later.
    if (!(await this.deps.tenants.isMember(actor, tenant))) {
      throw new NotAllowedError(
        `A trigger rule launches as the user who creates it, who must be a member of tenant '${tenant.id}' in the catalog (memberOf its Group); ${actor} is not`,
      );
    }
  }

  async delete(rule: TriggerRecord): Promise<void> {
    // The subscription stays; an event of a topic without rules is a no-op.
    await this.deps.triggers.delete(rule.id);
  }

  private async subscribe(topic: string): Promise<void> {
    if (this.subscribed.has(topic)) return;
    this.subscribed.add(topic);
    await this.deps.events.subscribe({
      id: `tenant-jobs-triggers-${topic}`,
      topics: [topic],
      onEvent: async event => {
        await this.onEvent(event);
      },
    });
  }

  /**
   * Launches the runs an event asks for; never throws back at the bus.
   * Only rules on an allowed topic hear it; on a topic whose events belong
   * to a tenant, only that tenant's rules, so another tenant's events
   * never reach a rule's filter, parameters or counts.
   */
  async onEvent(event: EventParams): Promise<number> {
    const topic = this.deps.topics.get(event.topic);
    if (!topic || forbiddenTriggerTopic(event.topic)) return 0;
    let owner: string | undefined;
    if (topic.tenantPath) {
      const value = triggerPayloadValue(event.eventPayload, topic.tenantPath);
      if (typeof value !== 'string') return 0;
      owner = value;
    }
    let launched = 0;
    for (const rule of await this.deps.triggers.byTopic(event.topic)) {
      if (owner !== undefined && rule.tenantId !== owner) continue;
      if (!matchesTriggerFilter(rule.request.filter, event.eventPayload)) {
        continue;
      }
      if (await this.launch(rule, event)) launched += 1;
    }
    return launched;
  }

  /**
   * A rule launches as its owner, who must still be a member of the
   * tenant's Group (the catalog's `memberOf`, read at most every 10 s):
   * whoever leaves the tenant stops launching its jobs. While the catalog
   * cannot be read, the last answer stands, as the tenant directory keeps
   * its last good view.
   */
  private async requireOwnerMember(rule: TriggerRecord): Promise<void> {
    const key = `${rule.createdBy}\n${rule.tenantId}`;
    const known = this.memberships.get(key);
    let member: boolean;
    if (known && Date.now() - known.at <= MEMBERSHIP_TTL_MS) {
      member = known.member;
    } else {
      let reading = this.readingMemberships.get(key);
      if (!reading) {
        reading = (async () => {
          const tenant = await this.deps.jobs.resolveTenant(rule.tenantId);
          const answer = await this.deps.tenants.isMember(
            rule.createdBy,
            tenant,
          );
          this.memberships.set(key, { at: Date.now(), member: answer });
          return answer;
        })().finally(() => this.readingMemberships.delete(key));
        this.readingMemberships.set(key, reading);
      }
      try {
        member = await reading;
      } catch (error) {
        if (!known) throw error;
        member = known.member;
      }
    }
    if (!member) {
      throw new OwnerNotMemberError(
        `The rule's owner ${rule.createdBy} is no longer a member of tenant '${rule.tenantId}', so the rule launches nothing; a member of the tenant may create it again`,
      );
    }
  }

  private async launch(rule: TriggerRecord, event: EventParams) {
    // One launch per event and rule: an event is known by its own id when
    // its topic says where it carries one; a redelivery of it then replays
    // the run. Without one every delivery is a distinct event, even with
    // the same payload as another.
    const identity = eventIdentity(this.deps.topics.get(event.topic), event);
    const eventKey = createHash('sha256')
      .update(`${rule.id}\n${event.topic}\n${identity}`)
      .digest('hex');
    const { request } = rule;
    const auditEvent = await this.deps.auditor.createEvent({
      eventId: 'trigger-launch',
      severityLevel: 'medium',
      meta: { tenantId: rule.tenantId, triggerId: rule.id, topic: event.topic },
    });
    const submit = async () => {
      await this.requireOwnerMember(rule);
      return this.deps.jobs.submit(
        {
          tenantId: request.tenantId,
          jobType: request.jobType,
          tier: request.tier,
          priority: request.priority,
          entityRef: request.entityRef,
          parameters: mapTriggerParameters(
            request.parameters,
            event.eventPayload,
          ),
          idempotencyKey: `trigger-${eventKey.slice(0, 40)}`,
          dryRun: false,
        },
        rule.createdBy,
        { triggerId: rule.id },
      );
    };
    try {
      const counted = {
        tenantId: rule.tenantId,
        jobType: request.jobType,
        priority: request.priority,
      };
      const result = await (this.deps.observability?.submission(
        counted,
        submit,
      ) ?? submit());
      if (result.kind === 'dryRun') return false;
      if (result.kind === 'created') {
        await this.deps.triggers.countLaunch(rule.id);
      }
      await auditEvent.success({
        meta: { runId: result.run.id, replayed: result.kind === 'existing' },
      });
      await this.deps.audit.append({
        actor: rule.createdBy,
        action: 'trigger-launch',
        tenantId: rule.tenantId,
        runId: result.run.id,
        outcome: 'succeeded',
        detail: {
          triggerId: rule.id,
          topic: event.topic,
          event: eventKey,
          replayed: result.kind === 'existing',
        },
      });
      return result.kind === 'created';
    } catch (error) {
      const reason = dropReason(error);
      await this.deps.triggers.countDrop(rule.id, reason);
      const err = isError(error) ? error : new Error(String(error));
      await auditEvent.fail({ error: err, meta: { reason } });
      await this.deps.audit.append({
        actor: rule.createdBy,
        action: 'trigger-launch',
        tenantId: rule.tenantId,
        outcome: statusOf(error) < 500 ? 'refused' : 'failed',
        detail: {
          triggerId: rule.id,
          topic: event.topic,
          event: eventKey,
          reason,
          error: err.message,
        },
      });
      if (statusOf(error) >= 500) {
        this.deps.logger.warn(
          `Trigger ${rule.id} could not launch a run for an event of '${event.topic}': ${err.message}`,
        );
      }
      return false;
    }
  }
}
