import { isTenantMember } from './rules';

const resource = {
  tenantId: 'acme-analytics',
  tenantGroupRef: 'group:default/acme-analytics',
};

describe('isTenantMember', () => {
  it('allows a caller who owns through the tenant group, case-insensitively', () => {
    expect(
      isTenantMember.apply(resource, {
        claims: ['user:default/alice', 'group:default/Acme-Analytics'],
      }),
    ).toBe(true);
  });

  it('refuses callers of other tenants and callers without claims', () => {
    expect(
      isTenantMember.apply(resource, {
        claims: ['group:default/globex-retail'],
      }),
    ).toBe(false);
    expect(isTenantMember.apply(resource, { claims: [] })).toBe(false);
  });

  it('turns into a filter on the tenant groups for list queries', () => {
    expect(
      isTenantMember.toQuery({ claims: ['Group:default/Acme-Analytics'] }),
    ).toEqual({ tenantGroupRefs: ['group:default/acme-analytics'] });
  });
});
