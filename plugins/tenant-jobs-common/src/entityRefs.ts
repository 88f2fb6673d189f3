/**
 * The complete form of a catalog entity ref, `kind:namespace/name`, as
 * `stringifyEntityRef` of `@backstage/catalog-model` writes it.
 */
const ENTITY_REF =
  /^[a-zA-Z][a-zA-Z0-9-]{0,62}:[a-zA-Z0-9]([-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?\/[a-zA-Z0-9]([-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;

/**
 * Whether `value` is a complete catalog entity ref, `kind:namespace/name`
 * (for example `component:default/billing-service`). Shorthands without
 * kind or namespace are refused so that runs can be matched to entities by
 * plain string comparison.
 *
 * @public
 */
export function isCompleteEntityRef(value: string): boolean {
  return ENTITY_REF.test(value);
}

/**
 * A complete entity ref with kind and namespace lower-cased, the way
 * `stringifyEntityRef` writes them, so refs compare as strings.
 *
 * @public
 */
export function normalizeEntityRef(ref: string): string {
  const slash = ref.indexOf('/');
  return `${ref.slice(0, slash).toLocaleLowerCase('en-US')}${ref.slice(slash)}`;
}
