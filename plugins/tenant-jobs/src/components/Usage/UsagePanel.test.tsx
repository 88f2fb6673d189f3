import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { TenantJobsApiError } from '../../api';
import { fakeApi } from '../../__testUtils__/fakeApi';
import { USAGE } from '../../__testUtils__/fakePlatformData';
import { renderWithApi } from '../../__testUtils__/render';
import { saveFile } from '../../lib/saveFile';
import { periodRange } from './usageOptions';
import { UsagePanel } from './UsagePanel';

jest.mock('../../lib/saveFile', () => ({ saveFile: jest.fn() }));

const cellsOf = (row: HTMLElement) =>
  within(row)
    .getAllByRole('cell')
    .map(cell => cell.textContent);

async function choose(label: string, option: string) {
  fireEvent.mouseDown(screen.getByLabelText(label));
  fireEvent.click(
    within(await screen.findByRole('listbox')).getByRole('option', {
      name: option,
    }),
  );
}

describe('UsagePanel', () => {
  beforeEach(() => jest.mocked(saveFile).mockClear());

  it('shows the figures by tenant and job type with two decimals and a total', async () => {
    const api = fakeApi();
    await renderWithApi(<UsagePanel tenantIds={['acme-analytics']} />, {
      api,
    });
    const table = await screen.findByRole('table', {
      name: 'Usage by tenant and job type, this month',
    });
    const rows = within(table).getAllByRole('row');
    expect(
      within(rows[0])
        .getAllByRole('columnheader')
        .map(cell => cell.textContent),
    ).toEqual([
      'Tenant',
      'Job type',
      'Runs',
      'CPU core-hours',
      'Memory GiB-hours',
      'GPU-hours',
    ]);
    await waitFor(() =>
      expect(cellsOf(rows[1])).toEqual([
        'acme-analytics',
        'Data ETL',
        '30',
        '10.26',
        '32.00',
        '0.00',
      ]),
    );
    expect(cellsOf(rows[2])).toEqual([
      'acme-analytics',
      'ML training',
      '2',
      '4.00',
      '16.50',
      '3.33',
    ]);
    expect(cellsOf(rows[3])).toEqual(['Total', '32', '14.26', '48.50', '3.33']);

    const thisMonth = periodRange('this-month');
    expect(api.getUsage).toHaveBeenCalledWith({
      tenantId: ['acme-analytics'],
      ...thisMonth,
      groupBy: ['tenant', 'jobType'],
    });
    // The chart's figures: per day.
    expect(api.getUsage).toHaveBeenCalledWith({
      tenantId: ['acme-analytics'],
      ...thisMonth,
      groupBy: ['tenant', 'day'],
    });
    expect(
      screen.getByRole('img', { name: /^CPU core-hours per day\./ }),
    ).toBeInTheDocument();
  });

  it('asks again for another period and grouping', async () => {
    const api = fakeApi({
      getUsage: jest.fn(async query => ({
        ...USAGE,
        groupBy: query.groupBy,
        items: query.groupBy.includes('day')
          ? [{ ...USAGE.total, period: '2026-11-03' }]
          : USAGE.items,
      })),
    });
    await renderWithApi(<UsagePanel />, { api });
    await screen.findByRole('table', {
      name: 'Usage by tenant and job type, this month',
    });

    await choose('Period', 'Last month');
    await waitFor(() =>
      expect(api.getUsage).toHaveBeenCalledWith({
        tenantId: undefined,
        ...periodRange('last-month'),
        groupBy: ['tenant', 'jobType'],
      }),
    );
    await choose('Group by', 'Day');
    const table = await screen.findByRole('table', {
      name: 'Usage by day, last month',
    });
    expect(
      within(table).getByRole('columnheader', { name: 'Day' }),
    ).toBeInTheDocument();
    expect(within(table).getByText('2026-11-03')).toBeInTheDocument();
    expect(api.getUsage).toHaveBeenLastCalledWith(
      expect.objectContaining({ groupBy: ['tenant', 'day'] }),
    );
    expect(api.getUsage).toHaveBeenCalledWith(
      expect.objectContaining({ groupBy: ['day'] }),
    );
  });

  it("never shows the last period's figures under another period's caption", async () => {
    // Last month's answers (table and chart) wait until released.
    const waiting: Array<() => void> = [];
    const answerLastMonth = () => waiting.splice(0).forEach(go => go());
    const api = fakeApi({
      getUsage: jest.fn(async query =>
        query.from === periodRange('last-month').from
          ? new Promise<typeof USAGE>(resolve => {
              waiting.push(() => resolve(USAGE));
            })
          : USAGE,
      ),
    });
    await renderWithApi(<UsagePanel />, { api });
    await screen.findByRole('table', {
      name: 'Usage by tenant and job type, this month',
    });
    await choose('Period', 'Last month');
    await waitFor(() =>
      expect(
        screen.queryByRole('table', { name: /^Usage by / }),
      ).not.toBeInTheDocument(),
    );
    answerLastMonth();
    expect(
      await screen.findByRole('table', {
        name: 'Usage by tenant and job type, last month',
      }),
    ).toBeInTheDocument();
  });

  it('downloads the same rows as CSV', async () => {
    const api = fakeApi();
    await renderWithApi(<UsagePanel tenantIds={['acme-analytics']} />, {
      api,
    });
    await screen.findByRole('table', { name: /^Usage by/ });
    fireEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(saveFile).toHaveBeenCalled());
    expect(api.usageCsv).toHaveBeenCalledWith({
      tenantId: ['acme-analytics'],
      ...periodRange('this-month'),
      groupBy: ['tenant', 'jobType'],
    });
    expect(saveFile).toHaveBeenCalledWith(
      expect.objectContaining({ fileName: 'tenant-jobs-usage.csv' }),
    );
  });

  it('says why a download failed', async () => {
    const api = fakeApi({
      usageCsv: jest.fn(async () => {
        throw new TenantJobsApiError('to: must be after from', 400);
      }),
    });
    await renderWithApi(<UsagePanel />, { api });
    await screen.findByRole('table', { name: /^Usage by/ });
    fireEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    expect(
      await screen.findByText('to: must be after from'),
    ).toBeInTheDocument();
    expect(saveFile).not.toHaveBeenCalled();
  });

  it('says what to do when nothing finished in the period', async () => {
    const api = fakeApi({
      getUsage: jest.fn(async () => ({
        ...USAGE,
        items: [],
        total: { runs: 0, cpuCoreHours: 0, memoryGiBHours: 0, gpuHours: 0 },
      })),
    });
    await renderWithApi(<UsagePanel />, { api });
    expect(
      await screen.findByText('No usage in this period'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Choose another period/)).toBeInTheDocument();
  });

  it('explains a failure and tries again', async () => {
    const getUsage = jest
      .fn()
      .mockRejectedValueOnce(
        new TenantJobsApiError(
          'You may not read the usage of tenant globex-retail',
          403,
          'NotAllowedError',
        ),
      )
      .mockResolvedValue(USAGE);
    const api = fakeApi({ getUsage });
    await renderWithApi(<UsagePanel tenantIds={['globex-retail']} />, {
      api,
    });
    expect(
      await screen.findByText(
        'You may not read the usage of tenant globex-retail',
      ),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('table', { name: /^Usage by/ }),
    ).toBeInTheDocument();
  });
});
