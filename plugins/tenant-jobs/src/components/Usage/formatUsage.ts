import type { UsageFigures } from '../../api';

const HOURS = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** Hours of a resource with two decimals, `1,234.50`. */
export function formatHours(value: number): string {
  return HOURS.format(value);
}

/** Usage figures in a line: `12.50 core-hours, 40.13 GiB-hours, 0.00 GPU-hours`. */
export function formatUsage(figures: UsageFigures): string {
  return [
    `${formatHours(figures.cpuCoreHours)} core-hours`,
    `${formatHours(figures.memoryGiBHours)} GiB-hours`,
    `${formatHours(figures.gpuHours)} GPU-hours`,
  ].join(', ');
}
