import { exportRange } from './AuditExportDialog';
import { isoOfLocal } from './auditWords';

describe('exportRange', () => {
  it('ends after now by default, so what happened this minute is exported', () => {
    const now = new Date(2026, 11, 7, 3, 21, 42).getTime();
    const range = exportRange({} as never, now);
    expect(Date.parse(isoOfLocal(range.to)!)).toBeGreaterThan(now);
    expect(Date.parse(isoOfLocal(range.to)!) - now).toBeLessThanOrEqual(60_000);
    expect(now - Date.parse(isoOfLocal(range.from)!)).toBeGreaterThanOrEqual(
      30 * 86_400_000,
    );
  });

  it("keeps the filter's own range", () => {
    expect(
      exportRange({
        from: '2026-12-01T00:00',
        to: '2026-12-02T00:00',
      } as never),
    ).toEqual({ from: '2026-12-01T00:00', to: '2026-12-02T00:00' });
  });
});
