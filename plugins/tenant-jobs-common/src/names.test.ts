import {
  isDns1123Label,
  isDns1123Subdomain,
  isLabelValue,
  isQualifiedKey,
  isValidTenantId,
  reservedNameMatch,
} from './names';
import { isCompleteEntityRef } from './entityRefs';

describe('names', () => {
  it('checks DNS-1123 labels', () => {
    expect(isDns1123Label('enterprise-001')).toBe(true);
    expect(isDns1123Label('a'.repeat(63))).toBe(true);
    expect(isDns1123Label('a'.repeat(64))).toBe(false);
    for (const bad of ['', '-a', 'a-', 'A', 'a_b', 'a.b', 'a b', 'ä']) {
      expect(isDns1123Label(bad)).toBe(false);
    }
  });

  it('checks DNS-1123 subdomains', () => {
    expect(isDns1123Subdomain('db-credentials')).toBe(true);
    expect(isDns1123Subdomain('a.b-c.d')).toBe(true);
    expect(isDns1123Subdomain('a..b')).toBe(false);
    expect(isDns1123Subdomain('.a')).toBe(false);
    expect(isDns1123Subdomain('A')).toBe(false);
    expect(isDns1123Subdomain('a'.repeat(254))).toBe(false);
  });

  it('checks label values', () => {
    expect(isLabelValue('')).toBe(true);
    expect(isLabelValue('Run_1.a-b')).toBe(true);
    expect(isLabelValue('a'.repeat(64))).toBe(false);
    expect(isLabelValue('-a')).toBe(false);
    expect(isLabelValue('a/b')).toBe(false);
  });

  it('checks qualified keys', () => {
    expect(isQualifiedKey('tenant-jobs.io/simulate-exit-code')).toBe(true);
    expect(isQualifiedKey('plain')).toBe(true);
    expect(isQualifiedKey('Bad_Prefix/x')).toBe(false);
    expect(isQualifiedKey('a/b/c')).toBe(false);
    expect(isQualifiedKey('tenant-jobs.io/')).toBe(false);
  });

  it('checks tenant ids', () => {
    expect(isValidTenantId('enterprise-001')).toBe(true);
    expect(isValidTenantId('a'.repeat(40))).toBe(true);
    expect(isValidTenantId('a'.repeat(41))).toBe(false);
    expect(isValidTenantId('Enterprise')).toBe(false);
  });

  it('checks complete entity refs', () => {
    expect(isCompleteEntityRef('component:default/billing-service')).toBe(true);
    expect(isCompleteEntityRef('Group:Team-A/Platform_Team')).toBe(true);
    expect(isCompleteEntityRef('billing-service')).toBe(false);
    expect(isCompleteEntityRef('component:billing-service')).toBe(false);
    expect(isCompleteEntityRef('component:default/a/b')).toBe(false);
    expect(isCompleteEntityRef('component:default/')).toBe(false);
  });
});

describe('reservedNameMatch', () => {
  it.each([
    ['default', 'default'],
    ['kube-system', 'kube-*'],
    ['kube-public', 'kube-*'],
    ['kube', 'kube'],
    ['openshift-monitoring', 'openshift-*'],
  ])('reserves %s (%s)', (value, pattern) => {
    expect(reservedNameMatch(value)).toBe(pattern);
  });

  it('leaves other names free, and takes extra patterns', () => {
    expect(reservedNameMatch('acme')).toBeUndefined();
    expect(reservedNameMatch('kubernetes-fans')).toBeUndefined();
    expect(reservedNameMatch('defaults')).toBeUndefined();
    expect(reservedNameMatch('platform-infra', ['platform-*'])).toBe(
      'platform-*',
    );
    expect(reservedNameMatch('ops', ['ops'])).toBe('ops');
  });
});
