import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { TenantJobsApiError } from '../../api';
import { fakeApi } from '../../__testUtils__/fakeApi';
import {
  ENTITY,
  ENTITY_REF,
  INITECH,
  run,
  schedule,
} from '../../__testUtils__/fakeData';
import { renderWithApi } from '../../__testUtils__/render';
import { EntityTenantJobsContent } from './EntityTenantJobsContent';

describe('EntityTenantJobsContent', () => {
  it("lists the entity's runs, newest first, with quota and trends", async () => {
    const api = fakeApi({
      listRuns: jest.fn(async () => ({
        items: [
          run({
            id: 'aaaaaaaa-0000-4000-8000-000000000002',
            status: 'Running',
            reason: 'Running',
          }),
          run(),
        ],
        nextCursor: 'next-page',
      })),
    });
    await renderWithApi(<EntityTenantJobsContent />, { api, entity: ENTITY });

    const table = await screen.findByRole('table', {
      name: 'Jobs of Acme Warehouse ETL',
    });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByText('Running')).toBeInTheDocument();
    expect(
      within(rows[1]).getByRole('link', { name: /Data ETL #aaaaaaaa/ }),
    ).toHaveAttribute(
      'href',
      expect.stringContaining('?run=aaaaaaaa-0000-4000-8000-000000000002'),
    );
    expect(within(rows[2]).getByText('Succeeded')).toBeInTheDocument();
    expect(api.listRuns).toHaveBeenCalledWith({
      entityRef: ENTITY_REF,
      limit: 20,
      cursor: undefined,
    });
    expect(screen.getByRole('button', { name: 'Next' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();

    // The tenant's quota and the trends of the entity's runs.
    expect(
      await screen.findByText('Quota of Acme Analytics'),
    ).toBeInTheDocument();
    expect(screen.getByText('48 cores of 64 cores')).toBeInTheDocument();
    expect(screen.getByText('3 of 10')).toBeInTheDocument();
    expect(
      await screen.findByText('Success rate by job type'),
    ).toBeInTheDocument();
    expect(api.getStats).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: ENTITY_REF, bucket: 'day' }),
    );
    expect(screen.getByRole('button', { name: 'Launch a job' })).toBeEnabled();
  });

  it('pages on the server with the cursor of the next page', async () => {
    const api = fakeApi({
      listRuns: jest.fn(async query => ({
        items: [
          run({
            id: query.cursor
              ? 'bbbbbbbb-0000-4000-8000-000000000003'
              : run().id,
          }),
        ],
        nextCursor: query.cursor ? undefined : 'cursor-2',
      })),
    });
    await renderWithApi(<EntityTenantJobsContent />, { api, entity: ENTITY });
    (await screen.findByRole('button', { name: 'Next' })).click();
    expect(
      await screen.findByRole('link', { name: /#bbbbbbbb/ }),
    ).toBeInTheDocument();
    expect(api.listRuns).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: 'cursor-2' }),
    );
    expect(screen.getByText('Runs 21–21')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
  });

  it('invites to launch when nothing was launched yet', async () => {
    const api = fakeApi({ listRuns: jest.fn(async () => ({ items: [] })) });
    await renderWithApi(<EntityTenantJobsContent />, { api, entity: ENTITY });
    expect(await screen.findByText('No jobs yet')).toBeInTheDocument();
    expect(
      screen.getByText(/Nothing has been launched from Acme Warehouse ETL yet/),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getAllByRole('button', { name: 'Launch a job' })[0],
      ).toBeEnabled(),
    );
  });

  it('tells a non-member why there is nothing and whom to ask', async () => {
    const api = fakeApi({
      getTenants: jest.fn(async () => [INITECH]),
      listRuns: jest.fn(async () => ({ items: [] })),
    });
    await renderWithApi(<EntityTenantJobsContent />, { api, entity: ENTITY });
    expect(await screen.findByTestId('not-member')).toHaveTextContent(
      'You are not a member of tenant acme-analytics',
    );
    expect(screen.getByTestId('not-member')).toHaveTextContent(
      'Ask the owners of acme-analytics to add you.',
    );
    expect(await screen.findByText('No jobs you may see')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Launch a job' })).toBeDisabled();
    expect(screen.queryByText(/Quota of/)).not.toBeInTheDocument();
  });

  it('says when the backend cannot be reached, and tries again', async () => {
    const listRuns = jest
      .fn()
      .mockRejectedValueOnce(
        new TenantJobsApiError(
          'The Tenant Jobs backend could not be reached: Failed to fetch',
          0,
        ),
      )
      .mockResolvedValue({ items: [run()] });
    const api = fakeApi({ listRuns });
    await renderWithApi(<EntityTenantJobsContent />, { api, entity: ENTITY });
    expect(
      await screen.findByText('The Tenant Jobs backend cannot be reached'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Check your network connection/),
    ).toBeInTheDocument();
    screen.getByRole('button', { name: 'Try again' }).click();
    expect(
      await screen.findByRole('link', { name: /Data ETL #3f2c1a9e/ }),
    ).toBeInTheDocument();
  });

  it('shows a run in place when the URL names one', async () => {
    const api = fakeApi();
    await renderWithApi(<EntityTenantJobsContent />, {
      api,
      entity: ENTITY,
      url: '/?run=3f2c1a9e-0000-4000-8000-000000000001',
    });
    expect(await screen.findByTestId('run-detail')).toBeInTheDocument();
    expect(api.getRun).toHaveBeenCalledWith(
      '3f2c1a9e-0000-4000-8000-000000000001',
    );
    expect(
      screen.getByRole('button', { name: 'All jobs of Acme Warehouse ETL' }),
    ).toBeInTheDocument();
  });

  it('asks for the annotation on an entity without one', async () => {
    const api = fakeApi();
    await renderWithApi(<EntityTenantJobsContent />, {
      api,
      entity: { ...ENTITY, metadata: { name: 'plain', namespace: 'default' } },
    });
    expect(
      await screen.findByText(/tenant-jobs.io\/tenant-id/),
    ).toBeInTheDocument();
    expect(api.listRuns).not.toHaveBeenCalled();
  });
});

describe('EntityTenantJobsContent usage', () => {
  it("shows the usage of the entity's tenant to its members", async () => {
    const api = fakeApi();
    await renderWithApi(<EntityTenantJobsContent />, { api, entity: ENTITY });
    expect(
      await screen.findByRole('table', {
        name: 'Usage by tenant and job type, this month',
      }),
    ).toBeInTheDocument();
    expect(api.getUsage).toHaveBeenCalledWith(
      expect.objectContaining({ tenantId: ['acme-analytics'] }),
    );
  });

  it('asks no usage for a non-member', async () => {
    const api = fakeApi({
      getTenants: jest.fn(async () => [INITECH]),
      listRuns: jest.fn(async () => ({ items: [] })),
    });
    await renderWithApi(<EntityTenantJobsContent />, { api, entity: ENTITY });
    expect(await screen.findByTestId('not-member')).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: /^Usage by/ }),
    ).not.toBeInTheDocument();
    // Not even while the user's tenants load: the backend would answer 403.
    expect(api.getUsage).not.toHaveBeenCalled();
    expect(api.listSchedules).not.toHaveBeenCalled();
    expect(api.listTriggers).not.toHaveBeenCalled();
  });
});

describe('EntityTenantJobsContent schedules, trigger rules and backup', () => {
  it("shows the entity's schedules and rules and the tenant's backup below the runs", async () => {
    const api = fakeApi();
    await renderWithApi(<EntityTenantJobsContent />, { api, entity: ENTITY });
    const schedules = await screen.findByRole('table', { name: 'Schedules' });
    expect(
      within(schedules).getByText('Every day at 03:00'),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Trigger rules' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Download configuration' }),
    ).toBeInTheDocument();
    expect(api.listSchedules).toHaveBeenCalledWith({
      tenantId: 'acme-analytics',
    });
    expect(api.listTriggers).toHaveBeenCalledWith({
      tenantId: 'acme-analytics',
    });
  });

  it('filters the runs by a schedule in one click, with a removable chip', async () => {
    const api = fakeApi();
    await renderWithApi(<EntityTenantJobsContent />, { api, entity: ENTITY });
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Show runs of schedule Data ETL #5c4e0d1a',
      }),
    );
    const chip = await screen.findByTestId('schedule-filter');
    expect(chip).toHaveTextContent('Schedule 5c4e0d1a');
    await waitFor(() =>
      expect(api.listRuns).toHaveBeenLastCalledWith({
        entityRef: ENTITY_REF,
        scheduleId: schedule().id,
        limit: 20,
        cursor: undefined,
      }),
    );
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Schedule 5c4e0d1a: remove this filter',
      }),
    );
    await waitFor(() =>
      expect(screen.queryByTestId('schedule-filter')).not.toBeInTheDocument(),
    );
    await waitFor(() =>
      expect(api.listRuns).toHaveBeenLastCalledWith({
        entityRef: ENTITY_REF,
        limit: 20,
        cursor: undefined,
      }),
    );
  });

  it('says a schedule has no runs yet when its filter finds none', async () => {
    const api = fakeApi({
      listRuns: jest.fn(async query => ({
        items: query.scheduleId ? [] : [run()],
      })),
    });
    await renderWithApi(<EntityTenantJobsContent />, { api, entity: ENTITY });
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Show runs of schedule Data ETL #5c4e0d1a',
      }),
    );
    expect(
      await screen.findByText('No runs of this schedule yet'),
    ).toBeInTheDocument();
  });

  it('creates a schedule from the launch dialog and lists it', async () => {
    const listSchedules = jest
      .fn()
      .mockResolvedValueOnce([])
      .mockResolvedValue([schedule({ cron: '30 9 * * 1-5' })]);
    const api = fakeApi({ listSchedules });
    await renderWithApi(<EntityTenantJobsContent />, { api, entity: ENTITY });
    expect(await screen.findByText('No schedules yet')).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getAllByRole('button', { name: 'Launch a job' })[0],
      ).toBeEnabled(),
    );
    fireEvent.click(screen.getAllByRole('button', { name: 'Launch a job' })[0]);
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
      target: { value: '30 9 * * 1-5' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Create schedule' }));
    await waitFor(() =>
      expect(api.createSchedule).toHaveBeenCalledWith(
        expect.objectContaining({
          tenantId: 'acme-analytics',
          entityRef: ENTITY_REF,
          cron: '30 9 * * 1-5',
        }),
      ),
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Scheduled Data ETL #5c4e0d1a: At 09:30 on Monday to Friday',
    );
    const table = await screen.findByRole('table', { name: 'Schedules' });
    expect(
      within(table).getByText('At 09:30 on Monday to Friday'),
    ).toBeInTheDocument();
  });

  it('shows no schedules, rules or backup to a non-member', async () => {
    const api = fakeApi({
      getTenants: jest.fn(async () => [INITECH]),
      listRuns: jest.fn(async () => ({ items: [] })),
    });
    await renderWithApi(<EntityTenantJobsContent />, { api, entity: ENTITY });
    expect(await screen.findByTestId('not-member')).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.queryByRole('heading', { name: 'Schedules' }),
      ).not.toBeInTheDocument(),
    );
    expect(
      screen.queryByRole('button', { name: 'Download configuration' }),
    ).not.toBeInTheDocument();
  });
});
