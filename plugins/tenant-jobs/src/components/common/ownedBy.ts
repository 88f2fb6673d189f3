/**
 * The items (schedules, trigger rules) of the given tenants, all of them
 * when none are given, and only those launched from `entityRef` when one
 * is.
 */
export function ownedBy<T extends { tenantId: string; entityRef?: string }>(
  items: T[],
  tenantIds: readonly string[] | undefined,
  entityRef: string | undefined,
): T[] {
  return items.filter(
    item =>
      (!tenantIds || tenantIds.includes(item.tenantId)) &&
      (!entityRef || item.entityRef === entityRef),
  );
}
