import { TestApiProvider } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { TenantJobsApiError } from '../../api';
import { fakeApi } from '../../__testUtils__/fakeApi';
import { ENTITY_REF, schedule } from '../../__testUtils__/fakeData';
import { renderWithApi } from '../../__testUtils__/render';
import { SchedulesPanel } from './SchedulesPanel';
import { formatStartTime } from './SchedulesTable';

const PAUSED = schedule({
  id: '6a6a6a6a-0000-4000-8000-000000000002',
  jobType: 'security-scan',
  cron: '*/15 * * * *',
  timeZone: 'UTC',
  paused: true,
  nextRunTimes: [],
  lastRun: undefined,
  entityRef: undefined,
});

function renderPanel(
  api = fakeApi(),
  props: { tenantIds?: string[]; entityRef?: string } = {
    tenantIds: ['acme-analytics'],
  },
) {
  const onShowRuns = jest.fn();
  const view = renderWithApi(
    <SchedulesPanel {...props} onShowRuns={onShowRuns} />,
    { api },
  );
  return { api, onShowRuns, view };
}

describe('SchedulesPanel', () => {
  it('lists schedules with the cron in words, time zone, next starts and last run', async () => {
    const api = fakeApi({
      listSchedules: jest.fn(async () => [schedule(), PAUSED]),
    });
    renderPanel(api);
    const table = await screen.findByRole('table', { name: 'Schedules' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(api.listSchedules).toHaveBeenCalledWith({
      tenantId: 'acme-analytics',
    });

    const [, etl, scan] = rows;
    expect(within(etl).getByText('Data ETL #5c4e0d1a')).toBeInTheDocument();
    expect(within(etl).getByText('Every day at 03:00')).toBeInTheDocument();
    expect(within(etl).getByText('0 3 * * *')).toBeInTheDocument();
    expect(within(etl).getByText('Europe/Berlin')).toBeInTheDocument();
    const starts = within(etl).getByRole('list', {
      name: 'Next starts of Data ETL #5c4e0d1a',
    });
    expect(
      within(starts)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(schedule().nextRunTimes.map(formatStartTime));
    expect(
      within(etl).getByRole('link', { name: '#3f2c1a9e' }),
    ).toHaveAttribute(
      'href',
      expect.stringContaining('?run=3f2c1a9e-0000-4000-8000-000000000001'),
    );
    expect(within(etl).getByText('Succeeded')).toBeInTheDocument();
    expect(within(etl).queryByText('Paused')).not.toBeInTheDocument();

    expect(
      within(scan).getByText('Security scan #6a6a6a6a'),
    ).toBeInTheDocument();
    expect(within(scan).getByText('Paused')).toBeInTheDocument();
    expect(within(scan).getByText('Every 15 minutes')).toBeInTheDocument();
    expect(within(scan).getByText('None while paused')).toBeInTheDocument();
    expect(within(scan).getByText('None yet')).toBeInTheDocument();
    expect(
      within(scan).getByRole('button', {
        name: 'Resume schedule Security scan #6a6a6a6a',
      }),
    ).toBeInTheDocument();
    // One tenant: no tenant column.
    expect(
      within(table).queryByRole('columnheader', { name: 'Tenant' }),
    ).not.toBeInTheDocument();
  });

  it("shows only an entity's schedules on its tab", async () => {
    const api = fakeApi({
      listSchedules: jest.fn(async () => [schedule(), PAUSED]),
    });
    renderPanel(api, { tenantIds: ['acme-analytics'], entityRef: ENTITY_REF });
    const table = await screen.findByRole('table', { name: 'Schedules' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    expect(
      within(table).queryByText('Security scan #6a6a6a6a'),
    ).not.toBeInTheDocument();
  });

  it("reads several tenants in one call and shows each row's tenant", async () => {
    const api = fakeApi({
      listSchedules: jest.fn(async () => [
        schedule(),
        schedule({ id: 'bbbbbbbb-1', tenantId: 'initech-labs' }),
        schedule({ id: 'cccccccc-1', tenantId: 'globex-retail' }),
      ]),
    });
    renderPanel(api, { tenantIds: ['acme-analytics', 'initech-labs'] });
    const table = await screen.findByRole('table', { name: 'Schedules' });
    expect(api.listSchedules).toHaveBeenCalledWith({});
    expect(
      within(table).getByRole('columnheader', { name: 'Tenant' }),
    ).toBeInTheDocument();
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(within(table).getByText('initech-labs')).toBeInTheDocument();
    expect(within(table).queryByText('globex-retail')).not.toBeInTheDocument();
  });

  it('pauses and resumes, and reads the schedules again', async () => {
    const api = fakeApi({
      listSchedules: jest.fn(async () => [schedule(), PAUSED]),
    });
    renderPanel(api);
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Pause schedule Data ETL #5c4e0d1a',
      }),
    );
    await waitFor(() =>
      expect(api.pauseSchedule).toHaveBeenCalledWith(schedule().id),
    );
    await waitFor(() => expect(api.listSchedules).toHaveBeenCalledTimes(2));
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Resume schedule Security scan #6a6a6a6a',
      }),
    );
    await waitFor(() =>
      expect(api.resumeSchedule).toHaveBeenCalledWith(PAUSED.id),
    );
    await waitFor(() => expect(api.listSchedules).toHaveBeenCalledTimes(3));
  });

  it('runs a schedule now and links to the run it started', async () => {
    const { api } = renderPanel();
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Run now: schedule Data ETL #5c4e0d1a',
      }),
    );
    const notice = await screen.findByRole('status');
    expect(notice).toHaveTextContent('Started Data ETL #5c4e0d1a now');
    expect(
      within(notice).getByRole('link', { name: 'run #3f2c1a9e' }),
    ).toHaveAttribute(
      'href',
      expect.stringContaining('?run=3f2c1a9e-0000-4000-8000-000000000055'),
    );
    expect(api.runSchedule).toHaveBeenCalledWith(schedule().id);
  });

  it('says why an action was refused', async () => {
    const api = fakeApi({
      runSchedule: jest.fn(async () => {
        throw new TenantJobsApiError(
          "Tenant 'acme-analytics' has 10 of 10 jobs running",
          409,
          'ConflictError',
        );
      }),
    });
    renderPanel(api);
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Run now: schedule Data ETL #5c4e0d1a',
      }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /Refused by the tenant or the cluster.*has 10 of 10 jobs running/,
    );
  });

  it('deletes only after a confirmation', async () => {
    const { api } = renderPanel();
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Delete schedule Data ETL #5c4e0d1a',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Delete schedule Data ETL #5c4e0d1a?',
    });
    expect(dialog).toHaveTextContent('starts no more runs');
    expect(api.deleteSchedule).not.toHaveBeenCalled();

    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.deleteSchedule).not.toHaveBeenCalled();

    fireEvent.click(
      screen.getByRole('button', {
        name: 'Delete schedule Data ETL #5c4e0d1a',
      }),
    );
    fireEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Delete schedule',
      }),
    );
    await waitFor(() =>
      expect(api.deleteSchedule).toHaveBeenCalledWith(schedule().id),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.listSchedules).toHaveBeenCalledTimes(2);
  });

  it('asks to show the runs of a schedule', async () => {
    const { onShowRuns } = renderPanel();
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Show runs of schedule Data ETL #5c4e0d1a',
      }),
    );
    expect(onShowRuns).toHaveBeenCalledWith(schedule().id);
  });

  it('says how to create a schedule when there is none', async () => {
    renderPanel(fakeApi({ listSchedules: jest.fn(async () => []) }));
    expect(await screen.findByText('No schedules yet')).toBeInTheDocument();
    expect(
      screen.getByText(/Use Launch a job → Run on a schedule/),
    ).toBeInTheDocument();
  });

  it('says when the schedules cannot be read, and tries again', async () => {
    const listSchedules = jest
      .fn()
      .mockRejectedValueOnce(
        new TenantJobsApiError('log reference 77aa', 500, 'Error'),
      )
      .mockResolvedValue([schedule()]);
    renderPanel(fakeApi({ listSchedules }));
    expect(
      await screen.findByText('The backend or the cluster failed'),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('table', { name: 'Schedules' }),
    ).toBeInTheDocument();
  });

  it("reads the schedules again when a tenant's run changes", async () => {
    const handlers: Record<string, (message: unknown) => void> = {};
    const signals = {
      subscribe: jest.fn((channel: string, onMessage: any) => {
        handlers[channel] = onMessage;
        return { unsubscribe: jest.fn() };
      }),
    };
    const api = fakeApi();
    renderWithApi(
      <TestApiProvider apis={[[signalApiRef, signals]]}>
        <SchedulesPanel tenantIds={['acme-analytics']} onShowRuns={jest.fn()} />
      </TestApiProvider>,
      { api },
    );
    await screen.findByRole('table', { name: 'Schedules' });
    expect(api.listSchedules).toHaveBeenCalledTimes(1);
    await waitFor(() =>
      expect(handlers['tenant-jobs:acme-analytics']).toBeDefined(),
    );
    act(() =>
      handlers['tenant-jobs:acme-analytics']({
        runId: 'r1',
        status: 'Running',
      }),
    );
    await waitFor(() => expect(api.listSchedules).toHaveBeenCalledTimes(2));
  });
});
