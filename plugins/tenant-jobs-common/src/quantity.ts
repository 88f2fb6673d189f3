const QUANTITY =
  /^(\+?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const MULTIPLIERS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/**
 * The value of a non-negative Kubernetes quantity (`500m` is 0.5, `1Gi` is
 * 1073741824), or `undefined` when `value` is not one. Precise enough to
 * compare configured amounts, not to do arithmetic the apiserver relies on.
 *
 * @public
 */
export function parseQuantity(value: string): number | undefined {
  const match = QUANTITY.exec(value);
  if (!match) {
    return undefined;
  }
  const [, number, suffix] = match;
  let multiplier = 1;
  if (suffix !== undefined) {
    multiplier = /^[eE][+-]?[0-9]+$/.test(suffix)
      ? 10 ** Number(suffix.slice(1))
      : MULTIPLIERS[suffix];
  }
  return Number(number) * multiplier;
}
