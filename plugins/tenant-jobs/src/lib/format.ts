/** Seconds as `45s`, `3m 20s`, `2h 5m` or `3d 4h`. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** How long ago (or from now) `iso` is, e.g. `3 minutes ago`. */
export function formatRelative(iso: string | undefined, now = Date.now()) {
  if (!iso) return '–';
  const seconds = (Date.parse(iso) - now) / 1000;
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds <= 0 ? 'just now' : 'in a few seconds';
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86_400), 'day');
}

/** A date and time in the user's locale, to the second. */
export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** A share as a percentage, `97%`, or `–` without one. */
export function formatPercent(share: number | undefined): string {
  return share === undefined ? '–' : `${Math.round(share * 1000) / 10}%`;
}

/** Bytes in binary units, `1.5 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** The name part of an entity ref: `user:default/alice` is `alice`. */
export function refName(ref: string | undefined): string {
  if (!ref) return '–';
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** The first block of a run id, enough to tell runs apart in a list. */
export function shortId(id: string): string {
  return id.split('-')[0].slice(0, 8);
}
