import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { TenantJobsApiError } from '../../api';
import { fakeApi } from '../../__testUtils__/fakeApi';
import { ACME, INITECH, run, schedule } from '../../__testUtils__/fakeData';
import { renderWithApi } from '../../__testUtils__/render';
import { ALICE, DAVE } from '../../__testUtils__/fakePlatformData';
import { interpretSearch } from './RunFilters';
import { TenantJobsPage } from './TenantJobsPage';

describe('TenantJobsPage', () => {
  it("lists every tenant's runs with quota per tenant and trends", async () => {
    const api = fakeApi({
      getTenants: jest.fn(async () => [ACME, INITECH]),
      listRuns: jest.fn(async () => ({
        items: [
          run(),
          run({
            id: 'cccccccc-0000-4000-8000-000000000004',
            tenantId: 'initech-labs',
            jobType: 'security-scan',
          }),
        ],
      })),
    });
    await renderWithApi(<TenantJobsPage />, { api });
    expect(
      await screen.findByRole('heading', { name: 'Tenant Jobs' }),
    ).toBeInTheDocument();
    const table = await screen.findByRole('table', {
      name: 'Runs of your tenants',
    });
    expect(
      within(table).getByRole('columnheader', { name: 'Tenant' }),
    ).toBeInTheDocument();
    expect(within(table).getByText('initech-labs')).toBeInTheDocument();
    expect(screen.getByText('Quota of Acme Analytics')).toBeInTheDocument();
    expect(screen.getByText('Quota of Initech Labs')).toBeInTheDocument();
    // Initech's namespace does not exist yet: limits from its plan.
    expect(screen.getByText(/the limits of plan starter/)).toBeInTheDocument();
    expect(
      await screen.findByText('Trends of Acme Analytics'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(api.getStats).toHaveBeenCalledWith(
        expect.objectContaining({ tenant: ['acme-analytics'], bucket: 'day' }),
      ),
    );
  });

  it('filters on the server by status and submitter', async () => {
    const api = fakeApi();
    await renderWithApi(<TenantJobsPage />, { api });
    await screen.findByRole('table', { name: 'Runs of your tenants' });

    fireEvent.mouseDown(screen.getByLabelText('Status'));
    fireEvent.click(
      within(await screen.findByRole('listbox')).getByRole('option', {
        name: 'Failed',
      }),
    );
    await waitFor(() =>
      expect(api.listRuns).toHaveBeenLastCalledWith(
        expect.objectContaining({ status: ['Failed'], limit: 20 }),
      ),
    );
    fireEvent.keyDown(screen.getByRole('listbox'), { key: 'Escape' });

    fireEvent.change(screen.getByLabelText('Search'), {
      target: { value: 'bob' },
    });
    fireEvent.submit(screen.getByLabelText('Search').closest('form')!);
    await waitFor(() =>
      expect(api.listRuns).toHaveBeenLastCalledWith(
        expect.objectContaining({
          status: ['Failed'],
          submittedBy: 'user:default/bob',
        }),
      ),
    );
    expect(
      screen.getByText('Submitted by user:default/bob'),
    ).toBeInTheDocument();
  });

  it('says so when no run matches', async () => {
    const api = fakeApi({ listRuns: jest.fn(async () => ({ items: [] })) });
    await renderWithApi(<TenantJobsPage />, { api });
    expect(await screen.findByText('No runs match')).toBeInTheDocument();
  });

  it('tells a user without tenants whom to ask', async () => {
    const api = fakeApi({ getTenants: jest.fn(async () => []) });
    await renderWithApi(<TenantJobsPage />, { api });
    expect(
      await screen.findByText('You are not a member of any tenant'),
    ).toBeInTheDocument();
    expect(api.listRuns).not.toHaveBeenCalled();
  });

  it('explains a failure to read the tenants', async () => {
    const api = fakeApi({
      getTenants: jest.fn(async () => {
        throw new TenantJobsApiError(
          'Missing credentials',
          401,
          'AuthenticationError',
        );
      }),
    });
    await renderWithApi(<TenantJobsPage />, { api });
    expect(await screen.findByText('You are signed out')).toBeInTheDocument();
    expect(
      screen.getByText('Sign in again, then try again.'),
    ).toBeInTheDocument();
  });

  it('opens a run searched by its id', async () => {
    const api = fakeApi();
    await renderWithApi(<TenantJobsPage />, { api });
    await screen.findByRole('table', { name: 'Runs of your tenants' });
    fireEvent.change(screen.getByLabelText('Search'), {
      target: { value: '3f2c1a9e-0000-4000-8000-000000000001' },
    });
    fireEvent.submit(screen.getByLabelText('Search').closest('form')!);
    expect(await screen.findByTestId('run-detail')).toBeInTheDocument();
  });
});

describe('interpretSearch', () => {
  it('reads a run id, an entity ref or a user name', () => {
    expect(interpretSearch(' 3F2C1A9E-0000-4000-8000-000000000001 ')).toEqual({
      runId: '3f2c1a9e-0000-4000-8000-000000000001',
    });
    expect(interpretSearch('Alice')).toEqual({
      submittedBy: 'user:default/alice',
    });
    expect(interpretSearch('user:ops/bob')).toEqual({
      submittedBy: 'user:ops/bob',
    });
    expect(interpretSearch('  ')).toBeUndefined();
  });
});

/** The page's query string, to see what the URL keeps. */
function SearchParams() {
  const [params] = useAppSearchParams();
  return <output data-testid="search-params">{params.toString()}</output>;
}

describe('TenantJobsPage tabs', () => {
  it("shows an admin of no tenant every tenant's runs, without the not-a-member notice", async () => {
    const api = fakeApi({
      getMe: jest.fn(async () => DAVE),
      getTenants: jest.fn(async () => []),
      listRuns: jest.fn(async () => ({
        items: [
          run({
            tenantId: 'globex-retail',
            id: 'dddddddd-0000-4000-8000-000000000005',
          }),
        ],
      })),
    });
    await renderWithApi(<TenantJobsPage />, { api, url: '/?view=runs' });
    const table = await screen.findByRole('table', {
      name: 'Runs of every tenant',
    });
    expect(within(table).getByText('globex-retail')).toBeInTheDocument();
    expect(
      screen.queryByText('You are not a member of any tenant'),
    ).not.toBeInTheDocument();
    // No tenant filter: the backend returns every tenant's runs to an admin.
    expect(api.listRuns).toHaveBeenCalledWith(
      expect.not.objectContaining({ tenant: expect.anything() }),
    );
    // The tenant filter offers every tenant.
    fireEvent.mouseDown(screen.getByLabelText('Tenant'));
    expect(
      within(await screen.findByRole('listbox')).getByRole('option', {
        name: 'globex-retail',
      }),
    ).toBeInTheDocument();
    // Launching is for members of a tenant.
    expect(
      screen.queryByRole('button', { name: 'Launch a job' }),
    ).not.toBeInTheDocument();
  });

  it('opens on the Platform tab for an admin of no tenant', async () => {
    const api = fakeApi({
      getMe: jest.fn(async () => DAVE),
      getTenants: jest.fn(async () => []),
    });
    await renderWithApi(<TenantJobsPage />, { api });
    const tabs = await screen.findByRole('tablist', {
      name: 'Views of Tenant Jobs',
    });
    const names = within(tabs)
      .getAllByRole('tab')
      .map(tab => tab.textContent);
    expect(names[0]).toBe('Platform');
    expect(names).toContain('Runs');
    expect(within(tabs).getByRole('tab', { name: 'Platform' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(
      await screen.findByRole('table', { name: 'Every tenant' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('You are not a member of any tenant'),
    ).not.toBeInTheDocument();
  });

  it('offers an admin who is a member of a tenant the Platform tab last', async () => {
    const api = fakeApi({
      getMe: jest.fn(async () => ({ ...DAVE, tenantIds: ['acme-analytics'] })),
    });
    await renderWithApi(<TenantJobsPage />, { api });
    const tabs = await screen.findByRole('tablist', {
      name: 'Views of Tenant Jobs',
    });
    const names = within(tabs)
      .getAllByRole('tab')
      .map(tab => tab.textContent);
    expect(names[0]).toBe('Runs');
    expect(names[names.length - 1]).toBe('Platform');
    expect(
      await screen.findByRole('table', { name: 'Runs of every tenant' }),
    ).toBeInTheDocument();
  });

  it('shows no Platform tab to a user who is not an admin', async () => {
    const api = fakeApi({ getMe: jest.fn(async () => ALICE) });
    await renderWithApi(<TenantJobsPage />, { api, url: '/?view=platform' });
    const tabs = await screen.findByRole('tablist', {
      name: 'Views of Tenant Jobs',
    });
    expect(
      within(tabs).queryByRole('tab', { name: 'Platform' }),
    ).not.toBeInTheDocument();
    expect(within(tabs).getByRole('tab', { name: 'Runs' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(
      await screen.findByRole('table', { name: 'Runs of your tenants' }),
    ).toBeInTheDocument();
    expect(api.getAdminTenants).not.toHaveBeenCalled();
  });

  it('switches tabs and keeps the choice in the URL', async () => {
    const api = fakeApi({ getMe: jest.fn(async () => DAVE) });
    await renderWithApi(
      <>
        <TenantJobsPage />
        <SearchParams />
      </>,
      { api },
    );
    fireEvent.click(await screen.findByRole('tab', { name: 'Platform' }));
    expect(
      await screen.findByRole('tabpanel', { name: 'Platform' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Every tenant' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('search-params')).toHaveTextContent(
      'view=platform',
    );
  });

  it("shows a member their tenants' usage", async () => {
    const api = fakeApi();
    await renderWithApi(<TenantJobsPage />, { api, url: '/?view=usage' });
    expect(
      await screen.findByRole('table', {
        name: 'Usage by tenant and job type, this month',
      }),
    ).toBeInTheDocument();
    expect(api.getUsage).toHaveBeenCalledWith(
      expect.objectContaining({ tenantId: ['acme-analytics'] }),
    );
  });

  it("shows an admin every tenant's usage", async () => {
    const admin = fakeApi({ getMe: jest.fn(async () => DAVE) });
    await renderWithApi(<TenantJobsPage />, {
      api: admin,
      url: '/?view=usage',
    });
    await waitFor(() =>
      expect(admin.getUsage).toHaveBeenCalledWith(
        expect.objectContaining({ tenantId: undefined }),
      ),
    );
  });

  it("shows a member their tenants' audit events to filter by, and an admin every tenant", async () => {
    const api = fakeApi();
    await renderWithApi(<TenantJobsPage />, { api, url: '/?view=audit' });
    expect(
      await screen.findByRole('table', { name: 'Audit events' }),
    ).toBeInTheDocument();
    fireEvent.mouseDown(screen.getByLabelText('Tenant'));
    expect(
      within(await screen.findByRole('listbox'))
        .getAllByRole('option')
        .map(option => option.textContent),
    ).toEqual(['All tenants', 'Acme Analytics']);
  });

  it('offers an admin every tenant in the audit filter', async () => {
    const api = fakeApi({ getMe: jest.fn(async () => DAVE) });
    await renderWithApi(<TenantJobsPage />, { api, url: '/?view=audit' });
    await screen.findByRole('table', { name: 'Audit events' });
    fireEvent.mouseDown(screen.getByLabelText('Tenant'));
    const listbox = await screen.findByRole('listbox');
    await within(listbox).findByRole('option', { name: 'globex-retail' });
    expect(
      within(listbox)
        .getAllByRole('option')
        .map(option => option.textContent),
    ).toEqual(['All tenants', 'Acme Analytics', 'globex-retail']);
  });

  it('opens a run named in the URL whatever the tab', async () => {
    const api = fakeApi({ getMe: jest.fn(async () => DAVE) });
    await renderWithApi(<TenantJobsPage />, {
      api,
      url: '/?view=platform&run=3f2c1a9e-0000-4000-8000-000000000001',
    });
    expect(await screen.findByTestId('run-detail')).toBeInTheDocument();
    expect(api.getRun).toHaveBeenCalledWith(
      '3f2c1a9e-0000-4000-8000-000000000001',
    );
  });

  it('keeps the chosen tab in the URL and falls back to Runs for an unknown one', async () => {
    const api = fakeApi();
    await renderWithApi(<TenantJobsPage />, { api, url: '/?view=nonsense' });
    const tabs = await screen.findByRole('tablist', {
      name: 'Views of Tenant Jobs',
    });
    expect(within(tabs).getByRole('tab', { name: 'Runs' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(screen.getByRole('tabpanel', { name: 'Runs' })).toBeInTheDocument();
  });
});

describe('TenantJobsPage schedules and triggers', () => {
  it("shows the schedules, rules and backup of the user's tenants on their tab", async () => {
    const api = fakeApi({ getTenants: jest.fn(async () => [ACME, INITECH]) });
    await renderWithApi(<TenantJobsPage />, { api, url: '/?view=schedules' });
    expect(
      await screen.findByRole('tab', { name: 'Schedules & triggers' }),
    ).toHaveAttribute('aria-selected', 'true');
    const schedules = await screen.findByRole('table', { name: 'Schedules' });
    // Several tenants: one call, each row with its tenant.
    expect(api.listSchedules).toHaveBeenCalledWith({});
    expect(
      within(schedules).getByRole('columnheader', { name: 'Tenant' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Trigger rules' }),
    ).toBeInTheDocument();
    // Backup and restore for either of the user's tenants.
    fireEvent.mouseDown(screen.getByLabelText('Tenant'));
    expect(
      within(await screen.findByRole('listbox'))
        .getAllByRole('option')
        .map(option => option.textContent),
    ).toEqual(['Acme Analytics', 'Initech Labs']);
  });

  it('switches to the Runs tab filtered by a schedule, with a removable chip', async () => {
    const api = fakeApi();
    await renderWithApi(
      <>
        <TenantJobsPage />
        <SearchParams />
      </>,
      { api, url: '/?view=schedules' },
    );
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Show runs of schedule Data ETL #5c4e0d1a',
      }),
    );
    expect(await screen.findByRole('tab', { name: 'Runs' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(screen.getByTestId('search-params')).toHaveTextContent('view=runs');
    expect(await screen.findByTestId('schedule-filter')).toHaveTextContent(
      'Schedule 5c4e0d1a',
    );
    await waitFor(() =>
      expect(api.listRuns).toHaveBeenLastCalledWith(
        expect.objectContaining({
          scheduleId: '5c4e0d1a-0000-4000-8000-000000000001',
        }),
      ),
    );
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Schedule 5c4e0d1a: remove this filter',
      }),
    );
    await waitFor(() =>
      expect(api.listRuns).toHaveBeenLastCalledWith(
        expect.not.objectContaining({ scheduleId: expect.anything() }),
      ),
    );
    expect(screen.queryByTestId('schedule-filter')).not.toBeInTheDocument();
  });

  it('shows a schedule made in the launch dialog on its tab', async () => {
    const listSchedules = jest
      .fn()
      .mockResolvedValueOnce([])
      .mockResolvedValue([schedule({ cron: '@hourly' })]);
    const api = fakeApi({ listSchedules });
    await renderWithApi(<TenantJobsPage />, { api, url: '/?view=schedules' });
    expect(await screen.findByText('No schedules yet')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Launch a job' }));
    fireEvent.click(
      await screen.findByRole('radio', { name: 'Run on a schedule' }),
    );
    fireEvent.mouseDown(screen.getByLabelText('Job type'));
    fireEvent.click(
      within(await screen.findByRole('listbox')).getByRole('option', {
        name: 'Data ETL',
      }),
    );
    fireEvent.change(await screen.findByLabelText(/^Source/), {
      target: { value: 'events-db' },
    });
    fireEvent.change(screen.getByLabelText(/^Destination/), {
      target: { value: 'warehouse' },
    });
    fireEvent.change(screen.getByRole('textbox', { name: /^Cron/ }), {
      target: { value: '@hourly' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Create schedule' }));
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Scheduled Data ETL #5c4e0d1a: Every hour',
    );
    expect(api.createSchedule).toHaveBeenCalledWith(
      expect.objectContaining({ tenantId: 'acme-analytics', cron: '@hourly' }),
    );
    expect(
      screen.getByRole('tab', { name: 'Schedules & triggers' }),
    ).toHaveAttribute('aria-selected', 'true');
    const table = await screen.findByRole('table', { name: 'Schedules' });
    expect(within(table).getByText('Every hour')).toBeInTheDocument();
  });

  it("shows an admin of no tenant every tenant's schedules, without a backup", async () => {
    const api = fakeApi({
      getMe: jest.fn(async () => DAVE),
      getTenants: jest.fn(async () => []),
      listSchedules: jest.fn(async () => [
        schedule({ tenantId: 'globex-retail' }),
      ]),
    });
    await renderWithApi(<TenantJobsPage />, { api, url: '/?view=schedules' });
    const table = await screen.findByRole('table', { name: 'Schedules' });
    expect(within(table).getByText('globex-retail')).toBeInTheDocument();
    expect(api.listSchedules).toHaveBeenCalledWith({});
    expect(api.listTriggers).toHaveBeenCalledWith({});
    expect(
      screen.queryByRole('button', { name: 'Download configuration' }),
    ).not.toBeInTheDocument();
  });
});
