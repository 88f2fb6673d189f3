/** Why a matching event launched nothing, in words, by the backend's reason. */
const DROP_REASONS: Record<string, string> = {
  OwnerNotMember: "the rule's owner left the tenant",
  QueueFull: "the tenant's queue was full",
  QuotaExceeded: "over the tenant's quota",
  InvalidParameters: 'the mapped parameters were invalid',
  NotAllowed: "not allowed by the tenant's plan",
  UnknownTenant: 'the tenant is unknown',
  Conflict: 'refused by the tenant or the cluster',
  Error: 'the backend or the cluster failed',
};

/** A drop reason in words; an unknown one as it came. */
export function describeDropReason(reason: string): string {
  return DROP_REASONS[reason] ?? reason;
}
