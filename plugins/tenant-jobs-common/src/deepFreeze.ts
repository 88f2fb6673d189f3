/**
 * Freezes a plain data structure and everything in it, so that the shared
 * catalogs cannot be changed by accident; callers copy what they override.
 */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
}
