import { safeHref, viewResult } from './result';

describe('viewResult', () => {
  it('shows scan findings by severity', () => {
    const view = viewResult('security-scan', {
      findings: { critical: 1, high: 2 },
      summary: '3 findings',
      scanner: 'trivy',
    });
    expect(view.findings).toEqual({ critical: 1, high: 2, medium: 0, low: 0 });
    expect(view.summary).toBe('3 findings');
    expect(view.facts).toEqual([{ label: 'Scanner', value: 'trivy' }]);
  });

  it('shows backup size and location, training metrics and ETL rows', () => {
    expect(
      viewResult('tenant-backup', {
        sizeBytes: 1536 * 1024 ** 2,
        location: 's3://b/k',
      }).facts,
    ).toEqual([
      { label: 'Size', value: '1.5 GiB' },
      { label: 'Location', value: 's3://b/k' },
    ]);
    expect(
      viewResult('ml-training', { metrics: { accuracy: 0.912345678 } }).metrics,
    ).toEqual([{ name: 'accuracy', value: '0.9123' }]);
    expect(
      viewResult('data-etl', { rowsRead: 12000, rowsWritten: 11990 }).facts,
    ).toEqual([
      { label: 'Rows read', value: '12,000' },
      { label: 'Rows written', value: '11,990' },
    ]);
  });

  it('links only http(s) reports', () => {
    expect(
      viewResult('billing-report', {
        reportUrl: 'https://r.example/2025-06.pdf',
      }).link,
    ).toEqual({
      href: 'https://r.example/2025-06.pdf',
      label: 'Open the report',
    });
    expect(
      viewResult('billing-report', {
        reportUrl: ['javascript', 'alert(1)'].join(':'),
      }).link,
    ).toBeUndefined();
    expect(safeHref('data:text/html,x')).toBeUndefined();
    expect(safeHref(42)).toBeUndefined();
  });
});
