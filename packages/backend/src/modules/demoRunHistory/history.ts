import {
  BUILT_IN_JOB_TYPES,
  getTier,
  isTierAtMost,
  parseQuantity,
  type TierId,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type { Knex } from 'knex';

/**
 * Where the demo history is recorded: one tenant, for one of its
 * components (or none, as runs launched from the Tenant Jobs page).
 */
export interface HistoryTarget {
  tenantId: string;
  entityRef?: string;
  namespace: string;
  cluster: string;
  submitters: string[];
  /** The job types the tenant's plan allows; every demo type when absent. */
  jobTypes?: readonly string[];
  /** The largest tier the tenant's plan allows; a larger one is lowered. */
  maxTier?: TierId;
  /** Seeds the generator; 42 (the single-component history's) by default. */
  seed?: number;
}

type TypeProfile = {
  id: string;
  share: number;
  tier: string;
  /** Typical run time in seconds, and its spread. */
  seconds: number;
  spread: number;
  successRate: number;
  result(random: () => number): Record<string, unknown>;
  parameters(random: () => number): Record<string, unknown>;
};

const PROFILES: TypeProfile[] = [
  {
    id: 'data-etl',
    share: 0.4,
    tier: 'large',
    seconds: 14 * 60,
    spread: 0.5,
    successRate: 0.94,
    parameters: r => ({
      source: r() < 0.5 ? 'events-db' : 'orders-db',
      destination: 'warehouse',
      mode: r() < 0.8 ? 'incremental' : 'full',
    }),
    result: r => {
      const rowsRead = Math.round(200_000 + r() * 2_000_000);
      return {
        summary: 'Loaded the changes into the warehouse',
        rowsRead,
        rowsWritten: rowsRead - Math.round(r() * 500),
      };
    },
  },
  {
    id: 'security-scan',
    share: 0.2,
    tier: 'medium',
    seconds: 4 * 60,
    spread: 0.4,
    successRate: 0.88,
    parameters: r => ({
      scanType: r() < 0.6 ? 'image' : 'dependencies',
      severityThreshold: 'HIGH',
      target: 'registry.example.com/acme/warehouse-etl:1.4.2',
    }),
    result: r => {
      const high = Math.floor(r() * 4);
      return {
        summary: `${high} high findings in 143 packages`,
        findings: {
          critical: 0,
          high,
          medium: Math.floor(r() * 9),
          low: Math.floor(r() * 20),
        },
        reportUrl: 'https://reports.example.com/acme/scans/latest',
      };
    },
  },
  {
    id: 'tenant-backup',
    share: 0.15,
    tier: 'large',
    seconds: 25 * 60,
    spread: 0.3,
    successRate: 0.97,
    parameters: r => ({
      target: r() < 0.7 ? 'all' : 'database',
      retentionDays: 30,
    }),
    result: r => ({
      summary: 'Backup written and verified',
      sizeBytes: Math.round((40 + r() * 20) * 1024 ** 3),
      location: 's3://acme-backups/warehouse/',
    }),
  },
  {
    id: 'billing-report',
    share: 0.15,
    tier: 'medium',
    seconds: 2 * 60,
    spread: 0.5,
    successRate: 0.99,
    parameters: () => ({ period: '2026-10', format: 'pdf' }),
    result: () => ({
      summary: 'Billing report for 2026-10',
      reportUrl: 'https://reports.example.com/acme/billing/2026-10.pdf',
    }),
  },
  {
    id: 'ml-training',
    share: 0.1,
    tier: 'xlarge',
    seconds: 95 * 60,
    spread: 0.35,
    successRate: 0.82,
    parameters: r => ({
      model: 'recommender-v2',
      dataset: 'listening-history-2025',
      epochs: 10 + Math.floor(r() * 20),
      learningRate: 0.001,
      batchSize: 64,
    }),
    result: r => ({
      summary: 'Trained recommender-v2',
      metrics: { accuracy: 0.9 + r() * 0.05, loss: 0.2 + r() * 0.1 },
    }),
  },
];

const FAILURES = [
  ['BackoffLimitExceeded', 'Every attempt failed; the last exited with code 1'],
  ['DeadlineExceeded', 'The Job ran past its deadline'],
  ['OOMKilled', 'The container ran out of memory (exit code 137)'],
];

/** A small deterministic generator, so every seeded history is the same. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A version 4 UUID from the generator, like the backend's run ids. */
export function uuidOf(random: () => number): string {
  const hex = Array.from({ length: 32 }, () =>
    Math.floor(random() * 16).toString(16),
  );
  hex[12] = '4';
  hex[16] = '8';
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(
    12,
    16,
  )}-${text.slice(16, 20)}-${text.slice(20)}`;
}

function pick(profiles: TypeProfile[], random: () => number): TypeProfile {
  const total = profiles.reduce((sum, profile) => sum + profile.share, 0);
  let x = random() * total;
  for (const profile of profiles) {
    x -= profile.share;
    if (x <= 0) return profile;
  }
  return profiles[0];
}

/**
 * The profiles a target's plan allows, each on the largest of its tier
 * and the plan's largest tier that its job type accepts; a type the plan
 * leaves no tier for is dropped.
 */
function profilesFor(target: HistoryTarget): TypeProfile[] {
  const profiles: TypeProfile[] = [];
  for (const profile of PROFILES) {
    if (target.jobTypes && !target.jobTypes.includes(profile.id)) continue;
    const { maxTier } = target;
    if (!maxTier || isTierAtMost(profile.tier as TierId, maxTier)) {
      profiles.push(profile);
      continue;
    }
    const allowed = [
      ...BUILT_IN_JOB_TYPES[profile.id as keyof typeof BUILT_IN_JOB_TYPES]
        .allowedTiers,
    ]
      .filter(tier => isTierAtMost(tier, maxTier))
      .pop();
    if (allowed) profiles.push({ ...profile, tier: allowed });
  }
  if (profiles.length === 0) {
    throw new Error(
      `No demo job type fits tenant '${target.tenantId}' (its plan allows ${
        target.jobTypes?.join(', ') || 'none'
      } up to tier ${target.maxTier})`,
    );
  }
  return profiles;
}

const GIB = 1024 ** 3;

/** What a pod of `tier` requests: CPU cores, memory bytes and GPUs. */
export function tierRequests(tierId: string, gpu: boolean) {
  const tier = getTier(tierId as TierId);
  return {
    cpuCores: parseQuantity(tier.cpu) ?? 0,
    memoryBytes: parseQuantity(tier.memory) ?? 0,
    gpus: gpu ? tier.gpu ?? 0 : 0,
  };
}

/**
 * A history run's usage columns: its tier's requests times the time it
 * ran (started to finished), as the tracker records a one-pod run's.
 */
export function usageColumns(
  requests: ReturnType<typeof tierRequests>,
  seconds: number,
) {
  return {
    usage_cpu_core_seconds: requests.cpuCores * seconds,
    usage_memory_gib_seconds: (requests.memoryBytes / GIB) * seconds,
    usage_gpu_seconds: requests.gpus * seconds,
  };
}

/**
 * `count` finished runs of the target over the 28 days before `now`
 * (ending an hour before it), as rows of the backend's runs table, with
 * outcomes, durations and queue waits that vary by job type. The newest
 * `archived` runs also get an archived log that reports a result.
 */
export function historyRows(
  target: HistoryTarget,
  options: { count: number; now: number; archived?: number },
) {
  const random = seededRandom(target.seed ?? 42);
  const profiles = profilesFor(target);
  const end = options.now - 3_600_000;
  const span = 28 * 86_400_000;
  const runs = [];
  const logs = [];
  for (let i = 0; i < options.count; i++) {
    const profile = pick(profiles, random);
    const createdAt = end - span + Math.floor((span * i) / options.count);
    const wait = random() < 0.9 ? 3 + random() * 40 : 60 + random() * 900;
    const startedAt = createdAt + Math.round(wait * 1000);
    const seconds =
      profile.seconds * (1 - profile.spread + 2 * profile.spread * random());
    const finishedAt = startedAt + Math.round(seconds * 1000);
    const requests = tierRequests(
      profile.tier,
      BUILT_IN_JOB_TYPES[profile.id as keyof typeof BUILT_IN_JOB_TYPES]?.gpu ??
        false,
    );
    const roll = random();
    let status = 'Succeeded';
    let reason = 'Completed';
    let message = 'The Job completed';
    if (roll > profile.successRate) {
      status = 'Failed';
      [reason, message] = FAILURES[Math.floor(random() * FAILURES.length)];
    } else if (roll > profile.successRate - 0.01) {
      status = 'Cancelled';
      reason = 'CancelledByUser';
      message = 'Cancelled by a user';
    }
    const id = uuidOf(random);
    const name = `${profile.id}-${id.slice(0, 8)}-${i}`;
    const podName = `${name}-p0`;
    const parameters = profile.parameters(random);
    const submittedBy =
      target.submitters[Math.floor(random() * target.submitters.length)];
    runs.push({
      id,
      tenant_id: target.tenantId,
      job_type: profile.id,
      tier: profile.tier,
      priority: random() < 0.8 ? 'normal' : 'low',
      status,
      reason,
      message,
      request: JSON.stringify({
        tenantId: target.tenantId,
        jobType: profile.id,
        tier: profile.tier,
        parameters,
        ...(target.entityRef && { entityRef: target.entityRef }),
      }),
      entity_ref: target.entityRef ?? null,
      submitted_by: submittedBy,
      idempotency_key: null,
      cluster: target.cluster,
      namespace: target.namespace,
      k8s_name: name,
      k8s_uid: null,
      attempts: status === 'Failed' ? 2 : 1,
      retry_of: null,
      created_at: new Date(createdAt),
      updated_at: new Date(finishedAt),
      started_at: new Date(startedAt),
      finished_at: new Date(finishedAt),
      released_at: new Date(createdAt),
      observed: JSON.stringify({
        conditions: [],
        pods: [
          {
            name: podName,
            phase: status === 'Succeeded' ? 'Succeeded' : 'Failed',
            nodeName: `kwok-cpu-${1 + (i % 4)}`,
            startedAt: new Date(startedAt).toISOString(),
            finishedAt: new Date(finishedAt).toISOString(),
            exitCode: status === 'Succeeded' ? 0 : 1,
            reason: status === 'Succeeded' ? 'Completed' : 'Error',
            restarts: 0,
            requests,
            ranFrom: new Date(startedAt).toISOString(),
            ranUntil: new Date(finishedAt).toISOString(),
          },
        ],
      }),
      archived_events: JSON.stringify([
        {
          type: 'Normal',
          reason: status === 'Succeeded' ? 'Completed' : 'BackoffLimitExceeded',
          message,
          objectKind: 'Job',
          objectName: name,
          count: 1,
          lastSeen: new Date(finishedAt).toISOString(),
        },
      ]),
      archived_at: new Date(finishedAt),
      ...usageColumns(requests, (finishedAt - startedAt) / 1000),
    });
    if (options.count - i <= (options.archived ?? 0)) {
      const result =
        status === 'Succeeded'
          ? `TENANT_JOBS_RESULT ${JSON.stringify(profile.result(random))}\n`
          : '';
      logs.push({
        run_id: id,
        pod_name: podName,
        log: `starting ${profile.id}\nworking\n${result}done\n`,
        truncated: false,
        archived_at: new Date(finishedAt),
      });
    }
  }
  return { runs, logs };
}

/**
 * Inserts a demo history into the Tenant Jobs backend's database, leaving
 * out columns the table does not have; returns how many runs it recorded
 * (none when the same history is there already). Finished and archived runs only,
 * so the tracker, reconcile, archiver and queue leave them alone.
 */
export async function insertHistory(
  db: Knex,
  target: HistoryTarget,
  options: { count: number; now: number; archived?: number },
): Promise<number> {
  const { runs, logs } = historyRows(target, options);
  // The same history every time: recorded already (a dev server restart
  // keeps its in-memory database), nothing to do.
  if (runs.length === 0) return 0;
  const first = await db('tenant_jobs_runs').where({ id: runs[0].id }).first();
  if (first) return 0;
  const columns = new Set(
    Object.keys(await db('tenant_jobs_runs').columnInfo()),
  );
  const rows = runs.map(row =>
    Object.fromEntries(Object.entries(row).filter(([key]) => columns.has(key))),
  );
  await db.transaction(async tx => {
    await tx.batchInsert('tenant_jobs_runs', rows, 200);
    if (logs.length) await tx.batchInsert('tenant_jobs_run_logs', logs, 200);
  });
  return rows.length;
}

/** `count` split as evenly as it goes into `parts`, the first taking the rest. */
export function evenShares(count: number, parts: number): number[] {
  const base = Math.floor(count / parts);
  return Array.from(
    { length: parts },
    (_, i) => base + (i < count % parts ? 1 : 0),
  );
}

/**
 * Spreads `count` finished runs evenly over `targets` (each tenant its own
 * history, see {@link insertHistory}); returns how many each got now.
 */
export async function insertSpreadHistory(
  db: Knex,
  targets: readonly HistoryTarget[],
  options: { count: number; now: number; archived?: number },
): Promise<Array<{ tenantId: string; inserted: number }>> {
  const counts = evenShares(options.count, targets.length);
  const recorded = [];
  for (const [i, target] of targets.entries()) {
    recorded.push({
      tenantId: target.tenantId,
      inserted: await insertHistory(db, target, {
        ...options,
        count: counts[i],
      }),
    });
  }
  return recorded;
}
