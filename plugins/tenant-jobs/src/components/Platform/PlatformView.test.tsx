import { act, screen, within } from '@testing-library/react';
import { TenantJobsApiError } from '../../api';
import { fakeApi } from '../../__testUtils__/fakeApi';
import { run } from '../../__testUtils__/fakeData';
import { renderWithApi } from '../../__testUtils__/render';
import { CLUSTER_HEALTH_REFRESH_MS } from './ClustersHealthCard';
import { PlatformView } from './PlatformView';

describe('PlatformView', () => {
  afterEach(() => jest.useRealTimers());

  it('shows every tenant with load, success rate, quota use and usage this month', async () => {
    const api = fakeApi();
    await renderWithApi(<PlatformView />, { api });
    const table = await screen.findByRole('table', { name: 'Every tenant' });
    const [, acme, globex] = within(table).getAllByRole('row');

    const acmeCells = within(acme)
      .getAllByRole('cell')
      .map(cell => cell.textContent);
    expect(acmeCells).toEqual([
      'Acme Analyticsacme-analytics',
      'enterprise',
      'localtenant-acme-analytics',
      '2 / 1 / 10',
      '80% (8 of 10)',
      'CPU 25%, memory 25%',
      '12.50 core-hours40.13 GiB-hours0.00 GPU-hours42 runs',
    ]);
    const globexCells = within(globex)
      .getAllByRole('cell')
      .map(cell => cell.textContent);
    expect(globexCells).toEqual([
      'globex-retail',
      'starter',
      'edgetenant-globex-retail',
      '0 / 0 / 2',
      'No run finished',
      'Not measured yet',
      '0.00 core-hours0.00 GiB-hours0.00 GPU-hours0 runs',
    ]);
  });

  it("shows each cluster's health with its last error in words", async () => {
    const api = fakeApi();
    await renderWithApi(<PlatformView />, { api });
    const table = await screen.findByRole('table', {
      name: 'Health of the clusters',
    });
    const [, local, edge] = within(table).getAllByRole('row');
    expect(within(local).getByText('Reachable')).toBeInTheDocument();
    expect(within(local).getByText('3s')).toBeInTheDocument();
    expect(within(edge).getByText('Unreachable')).toBeInTheDocument();
    expect(within(edge).getByText('7m')).toBeInTheDocument();
    expect(within(edge).getByText('Never')).toBeInTheDocument();
    expect(
      within(edge).getByText('connect ECONNREFUSED 10.0.0.7:6443'),
    ).toBeInTheDocument();
    expect(within(edge).getByText('Stalled watches: pods')).toBeInTheDocument();
  });

  it("lists every tenant's runs without a tenant filter", async () => {
    const api = fakeApi({
      listRuns: jest.fn(async () => ({
        items: [
          run(),
          run({
            id: 'eeeeeeee-0000-4000-8000-000000000006',
            tenantId: 'globex-retail',
          }),
        ],
      })),
    });
    await renderWithApi(<PlatformView />, { api });
    const table = await screen.findByRole('table', {
      name: 'Runs of every tenant',
    });
    expect(within(table).getByText('globex-retail')).toBeInTheDocument();
    expect(within(table).getByText('acme-analytics')).toBeInTheDocument();
    expect(api.listRuns).toHaveBeenCalledWith({
      limit: 20,
      cursor: undefined,
    });
  });

  it("reads the clusters' health again every 30 seconds", async () => {
    jest.useFakeTimers();
    const api = fakeApi();
    await renderWithApi(<PlatformView />, { api });
    await screen.findByRole('table', { name: 'Health of the clusters' });
    expect(api.getAdminClusters).toHaveBeenCalledTimes(1);
    await act(() => jest.advanceTimersByTimeAsync(CLUSTER_HEALTH_REFRESH_MS));
    expect(api.getAdminClusters).toHaveBeenCalledTimes(2);
  });

  it('tells a user who is not of the platform team whom to ask', async () => {
    const refused = async () => {
      throw new TenantJobsApiError(
        'Only the platform team may see every tenant',
        403,
        'NotAllowedError',
      );
    };
    const api = fakeApi({
      getAdminTenants: jest.fn(refused),
      getAdminClusters: jest.fn(refused),
    });
    await renderWithApi(<PlatformView />, { api });
    expect(
      await screen.findByText('The platform view is for the platform team'),
    ).toBeInTheDocument();
    expect(screen.getByText(/tenantJobs.adminGroups/)).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Every tenant' }),
    ).not.toBeInTheDocument();
  });

  it('says what a tenant is when there is none, and explains a failure', async () => {
    const api = fakeApi({
      getAdminTenants: jest.fn(async () => []),
      getAdminClusters: jest.fn(async () => {
        throw new TenantJobsApiError('cluster registry down', 500);
      }),
    });
    await renderWithApi(<PlatformView />, { api });
    expect(await screen.findByText('No tenants yet')).toBeInTheDocument();
    expect(
      screen.getByText(/catalog Group annotated tenant-jobs.io\/tenant-id/),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('The backend or the cluster failed'),
    ).toBeInTheDocument();
    expect(screen.getByText('cluster registry down')).toBeInTheDocument();
    expect(
      screen.getAllByRole('button', { name: 'Try again' }).length,
    ).toBeGreaterThan(0);
  });
});
