import {
  formatDuration,
  formatPercent,
  formatRelative,
  refName,
  shortId,
} from './format';

describe('format', () => {
  it('writes durations briefly', () => {
    expect(formatDuration(undefined)).toBe('–');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(200)).toBe('3m 20s');
    expect(formatDuration(3600 * 2 + 300)).toBe('2h 5m');
    expect(formatDuration(86_400 * 3 + 3600 * 4)).toBe('3d 4h');
  });

  it('writes relative times, percentages, names and short ids', () => {
    const now = Date.parse('2026-11-27T10:00:00Z');
    expect(formatRelative('2026-11-27T09:59:50Z', now)).toBe('just now');
    expect(formatRelative('2026-11-27T09:57:00Z', now)).toBe('3 minutes ago');
    expect(formatRelative('2026-11-26T10:00:00Z', now)).toBe('yesterday');
    expect(formatPercent(0.8333)).toBe('83.3%');
    expect(refName('user:default/alice')).toBe('alice');
    expect(shortId('3f2c1a9e-0000-4000-8000-000000000001')).toBe('3f2c1a9e');
  });
});
