/*
 * Software templates run through the real scaffolder backend of a test
 * backend, for the scaffolder suites: the billing report template of this
 * repository, and a task run to its end with its events and log.
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import { REPO_ROOT, TenantJobsTestEnv, UserKey, waitFor } from './harness';

/** A template of templates/, in the catalog's default namespace. */
export function readTemplate(file: string) {
  const template = yaml.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'templates', file), 'utf8'),
  );
  template.metadata = { ...template.metadata, namespace: 'default' };
  return template;
}

/** The ref of a template read by {@link readTemplate}. */
export function templateRefOf(template: { metadata: { name: string } }) {
  return `template:default/${template.metadata.name}`;
}

/**
 * The billing report template's form for tenant a, as the TenantJobPicker
 * field and the pickers fill it in; `wait` says how long the task follows
 * the run (`finished`, or `none` to end once it is submitted).
 */
export function billingReportValues(
  env: TenantJobsTestEnv,
  wait: 'finished' | 'none',
) {
  return {
    job: {
      tenantId: env.org.tenants.a,
      tier: 'small',
      priority: 'normal',
      parameters: { period: '2025-06', format: 'pdf' },
    },
    entityRef: env.org.components.a.owned,
    wait,
  };
}

/** A task log line without the logger's colours and level. */
export function plain(message: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/\u001b\[\d+m/g, '').replace(/^(info|warn): /, '');
}

export type TaskEvent = {
  type: string;
  body: { message: string; stepId?: string; output?: any; status?: string };
};

/**
 * Runs `templateRef` with `values` as `user` until its task ended; the
 * task, its events and its log lines as the creator reads them.
 */
export async function runTask(
  env: TenantJobsTestEnv,
  user: UserKey,
  templateRef: string,
  values: object,
) {
  const created = await request(env.server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', env.as(user))
    .send({ templateRef, values });
  expect([created.status, created.body]).toEqual([
    201,
    { id: expect.any(String) },
  ]);
  const taskId: string = created.body.id;
  const task = await waitFor(
    `task ${taskId} to end`,
    async () => {
      const res = await request(env.server)
        .get(`/api/scaffolder/v2/tasks/${taskId}`)
        .set('Authorization', env.as(user));
      return ['completed', 'failed', 'cancelled'].includes(res.body.status)
        ? res.body
        : undefined;
    },
    120_000,
  );
  const answer = await request(env.server)
    .get(`/api/scaffolder/v2/tasks/${taskId}/events`)
    .set('Authorization', env.as(user));
  expect(answer.status).toBe(200);
  const events = answer.body as TaskEvent[];
  const log = events
    .filter(e => e.type === 'log')
    .map(e => plain(e.body.message));
  return { taskId, task, events, log };
}
