import type { RunObservationUpdate, RunRecord } from '../../database';

/** A run record with plausible fields, overridable. */
export function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'run-1',
    tenantId: 'acme',
    jobType: 'data-etl',
    tier: 'small',
    priority: 'normal',
    status: 'Pending',
    request: {},
    submittedBy: 'user:default/alice',
    cluster: 'local',
    namespace: 'tenant-acme',
    k8sName: 'data-etl-acme-1',
    attempts: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** An observation as the tracker writes it. */
export function observation(
  overrides: Partial<RunObservationUpdate> = {},
): RunObservationUpdate {
  return {
    status: 'Running',
    reason: 'Running',
    message: '',
    attempts: 1,
    version: 1,
    observed: { conditions: [], pods: [] },
    ...overrides,
  };
}
