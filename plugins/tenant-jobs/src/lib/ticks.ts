/** Steps a duration axis may use, in seconds. */
const DURATION_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
  43200, 86400,
];

/**
 * Round tick values from 0 to at least `max`: for seconds, steps of whole
 * seconds, minutes or hours; else 1, 2 or 5 times a power of ten.
 */
export function niceTicks(max: number, seconds = false, count = 4): number[] {
  const raw = Math.max(max, Number.EPSILON) / count;
  let step: number;
  if (seconds) {
    step = DURATION_STEPS.find(s => s >= raw) ?? Math.ceil(raw / 86400) * 86400;
  } else {
    const power = 10 ** Math.floor(Math.log10(raw));
    step = [1, 2, 5, 10].map(m => m * power).find(s => s >= raw)!;
  }
  const ticks = [];
  for (let tick = 0; tick < max + step; tick += step) {
    ticks.push(tick);
    if (tick >= max) break;
  }
  return ticks;
}
