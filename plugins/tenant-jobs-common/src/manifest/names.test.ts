import { isDns1123Label } from '../names';
import {
  buildRunName,
  formatRunTimestamp,
  tenantNamespaceName,
  validateNamespacePattern,
} from './names';

const date = new Date('2025-07-17T14:30:22.123Z');

describe('formatRunTimestamp', () => {
  it('formats UTC as yyyymmdd-hhmmss', () => {
    expect(formatRunTimestamp(date)).toBe('20250717-143022');
    expect(formatRunTimestamp(new Date('2025-01-02T03:04:05Z'))).toBe(
      '20250102-030405',
    );
  });

  it('refuses an invalid date', () => {
    expect(() => formatRunTimestamp(new Date('nope'))).toThrow('Invalid date');
  });
});

describe('buildRunName', () => {
  it('builds <type>-<tenant>-<yyyymmdd-hhmmss>-<suffix>', () => {
    expect(buildRunName('ml-training', 'enterprise-001', date, 'x7k2p')).toBe(
      'ml-training-enterprise-001-20250717-143022-x7k2p',
    );
  });

  it('cuts the type and tenant part to stay within 63 characters', () => {
    const tenant = 'a'.repeat(40);
    const name = buildRunName('security-scan', tenant, date, 'abcdefghij');
    expect(name).toHaveLength(63);
    expect(name.endsWith('-20250717-143022-abcdefghij')).toBe(true);
    expect(name.startsWith('security-scan-aaaa')).toBe(true);
    expect(isDns1123Label(name)).toBe(true);
  });

  it('never leaves a dash before the timestamp after cutting', () => {
    // With a 10-character suffix, 36 characters remain for <type>-<tenant>;
    // here the 36th is the dash inside the tenant id.
    const name = buildRunName(
      'a'.repeat(20),
      `${'b'.repeat(14)}-cc`,
      date,
      'abcdefghij',
    );
    expect(name).toBe(
      `${'a'.repeat(20)}-${'b'.repeat(14)}-20250717-143022-abcdefghij`,
    );
    expect(name).not.toContain('--');
    expect(isDns1123Label(name)).toBe(true);
  });

  it('is always a valid label for long inputs', () => {
    for (let typeLength = 1; typeLength <= 30; typeLength += 7) {
      for (let tenantLength = 1; tenantLength <= 40; tenantLength += 3) {
        const name = buildRunName(
          'j'.repeat(typeLength),
          `t-${'t'.repeat(tenantLength)}`.slice(0, 40),
          date,
          'z9z9z',
        );
        expect(name.length).toBeLessThanOrEqual(63);
        expect(isDns1123Label(name)).toBe(true);
      }
    }
  });

  it.each([
    ['Bad', 'acme', 'abcde', "Invalid job type id 'Bad'"],
    ['etl', 'Acme', 'abcde', "Invalid tenant id 'Acme'"],
    ['etl', 'a'.repeat(41), 'abcde', 'Invalid tenant id'],
    ['etl', 'acme', 'ABCDE', "Invalid run name suffix 'ABCDE'"],
    ['etl', 'acme', '', 'Invalid run name suffix'],
    ['etl', 'acme', 'a'.repeat(11), 'Invalid run name suffix'],
    ['etl', 'acme', 'a-b', 'Invalid run name suffix'],
  ])('refuses %s / %s / %s', (type, tenant, suffix, error) => {
    expect(() => buildRunName(type, tenant, date, suffix)).toThrow(error);
  });
});

describe('namespace pattern', () => {
  it('defaults to tenant-{tenant}', () => {
    expect(tenantNamespaceName(undefined, 'enterprise-001')).toBe(
      'tenant-enterprise-001',
    );
  });

  it.each([
    ['{tenant}-jobs', 'acme-jobs'],
    ['tj-{tenant}-batch', 'tj-acme-batch'],
  ])('replaces {tenant} in %s', (pattern, expected) => {
    expect(tenantNamespaceName(pattern, 'acme')).toBe(expected);
  });

  it('accepts patterns that fit a 40-character tenant id', () => {
    expect(
      validateNamespacePattern(`${'p'.repeat(22)}-{tenant}`),
    ).toBeUndefined();
    expect(
      isDns1123Label(
        tenantNamespaceName(`${'p'.repeat(22)}-{tenant}`, 'a'.repeat(40)),
      ),
    ).toBe(true);
  });

  it.each([
    ['tenant', 'exactly once'],
    ['{tenant}-{tenant}', 'exactly once'],
    ['Tenant-{tenant}', 'only lowercase letters'],
    ['tenant_{tenant}', 'only lowercase letters'],
    ['{tenant}.jobs', 'only lowercase letters'],
    ['{tenant', 'exactly once'],
    [`${'p'.repeat(23)}-{tenant}`, 'too little room'],
    ['-{tenant}', 'must start and end'],
    ['{tenant}-', 'must start and end'],
    ['{tenant}', 'fixed prefix'],
    ['k{tenant}', 'fixed prefix'],
    ['{tenant}x', 'fixed prefix'],
    ['kube-{tenant}', 'reserved namespaces (kube-*)'],
    ['openshift-{tenant}-x', 'reserved namespaces (openshift-*)'],
  ])('refuses pattern %s', (pattern, problem) => {
    expect(validateNamespacePattern(pattern)).toContain(problem);
    expect(() => tenantNamespaceName(pattern, 'acme')).toThrow(problem);
  });

  it('refuses invalid tenant ids', () => {
    expect(() => tenantNamespaceName(undefined, 'Acme')).toThrow(
      "Invalid tenant id 'Acme'",
    );
    expect(() => tenantNamespaceName(undefined, '../x')).toThrow(
      'Invalid tenant id',
    );
  });
});
