import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { TenantJobsApiError } from '../../api';
import { fakeApi } from '../../__testUtils__/fakeApi';
import { ENTITY_REF, INITECH } from '../../__testUtils__/fakeData';
import { renderWithApi } from '../../__testUtils__/render';
import { LaunchDialog, LaunchDialogProps } from './LaunchDialog';

function renderDialog(api = fakeApi(), props: Partial<LaunchDialogProps> = {}) {
  const onLaunched = jest.fn();
  const onClose = jest.fn();
  const view = renderWithApi(
    <LaunchDialog
      open
      tenantId="acme-analytics"
      entityRef={ENTITY_REF}
      initial={{ jobType: 'data-etl' }}
      onLaunched={onLaunched}
      onClose={onClose}
      {...props}
    />,
    { api },
  );
  return { view, onLaunched, onClose, api };
}

/** The options of a Material UI select, opened by its label. */
async function optionsOf(label: string): Promise<string[]> {
  fireEvent.mouseDown(screen.getByLabelText(label));
  const listbox = await screen.findByRole('listbox');
  const options = within(listbox)
    .getAllByRole('option')
    .map(option => option.textContent ?? '');
  fireEvent.keyDown(listbox, { key: 'Escape' });
  await waitFor(() =>
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument(),
  );
  return options;
}

async function fillEtl() {
  fireEvent.change(await screen.findByLabelText(/^Source/), {
    target: { value: 'events-db' },
  });
  fireEvent.change(screen.getByLabelText(/^Destination/), {
    target: { value: 'warehouse' },
  });
}

describe('LaunchDialog', () => {
  it("renders the job type's parameter schema as a form", async () => {
    renderDialog();
    expect(
      await screen.findByRole('dialog', { name: 'Launch a job' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Parameters of Data ETL'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText(/^Source/)).toBeInTheDocument();
    expect(screen.getByLabelText(/^Destination/)).toBeInTheDocument();
    expect(
      screen.getByText('Name of the connection to read from.'),
    ).toBeInTheDocument();
  });

  it("offers only the tiers and priorities the tenant's plan allows", async () => {
    const api = fakeApi({ getTenants: jest.fn(async () => [INITECH]) });
    renderDialog(api, { tenantId: 'initech-labs' });
    await screen.findByText('Parameters of Data ETL');
    // data-etl runs on small..xlarge; plan starter stops at medium.
    expect(await optionsOf('Tier')).toEqual([
      'Small: 250m CPU, 512Mi',
      'Medium: 500m CPU, 1Gi',
    ]);
    // Plan starter has no maxPriority: up to high, never critical.
    const priorities = await optionsOf('Priority');
    expect(priorities).toHaveLength(4);
    expect(priorities.join(' ')).not.toMatch(/Critical/i);
    // ML training is not in plan starter: listed, but disabled.
    fireEvent.mouseDown(screen.getByLabelText('Job type'));
    const listbox = await screen.findByRole('listbox');
    expect(
      within(listbox).getByText('Not in plan starter'),
    ).toBeInTheDocument();
    expect(
      within(listbox).getByRole('option', { name: 'ML training' }),
    ).toHaveAttribute('aria-disabled', 'true');
  });

  it("shows the apiserver's verdict of a dry run and creates nothing", async () => {
    const { api } = renderDialog();
    await fillEtl();
    fireEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    const verdict = await screen.findByTestId('dry-run-verdict');
    expect(verdict).toHaveTextContent(
      'The Kubernetes API server would accept this job',
    );
    expect(verdict).toHaveTextContent('Nothing was created.');
    expect(api.dryRun).toHaveBeenCalledWith(
      expect.objectContaining({
        tenantId: 'acme-analytics',
        jobType: 'data-etl',
        tier: 'large',
        priority: 'normal',
        entityRef: ENTITY_REF,
        parameters: expect.objectContaining({
          source: 'events-db',
          destination: 'warehouse',
        }),
      }),
    );
    expect(api.launch).not.toHaveBeenCalled();
  });

  it('shows a refused dry run with the reason', async () => {
    const api = fakeApi({
      dryRun: jest.fn(async () => {
        throw new TenantJobsApiError(
          "priority: priority 'critical' is above the highest priority of plan 'standard', which is 'high'",
          403,
          'NotAllowedError',
        );
      }),
    });
    renderDialog(api);
    await fillEtl();
    fireEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    const verdict = await screen.findByTestId('dry-run-verdict');
    expect(verdict).toHaveTextContent('Refused: You may not do this');
    expect(verdict).toHaveTextContent(
      "priority 'critical' is above the highest priority",
    );
  });

  it('launches with the form, tier, priority, entity and an idempotency key', async () => {
    const { api, onLaunched, onClose } = renderDialog();
    await fillEtl();
    fireEvent.click(screen.getByRole('button', { name: 'Launch' }));
    await waitFor(() => expect(onLaunched).toHaveBeenCalled());
    expect(api.launch).toHaveBeenCalledWith({
      tenantId: 'acme-analytics',
      jobType: 'data-etl',
      tier: 'large',
      priority: 'normal',
      entityRef: ENTITY_REF,
      parameters: {
        source: 'events-db',
        destination: 'warehouse',
        mode: 'incremental',
      },
      idempotencyKey: expect.stringMatching(/^launch-/),
    });
    expect(onClose).toHaveBeenCalled();
  });

  it('does not launch while a required parameter is missing', async () => {
    const { api } = renderDialog();
    await screen.findByText('Parameters of Data ETL');
    fireEvent.click(screen.getByRole('button', { name: 'Launch' }));
    expect(
      await screen.findAllByText(/must have required property/),
    ).not.toHaveLength(0);
    expect(api.launch).not.toHaveBeenCalled();
  });

  it('shows why a launch was refused and keeps the dialog open', async () => {
    const api = fakeApi({
      launch: jest.fn(async () => {
        throw new TenantJobsApiError(
          "Tenant 'acme-analytics' has 10 of 10 jobs running",
          409,
          'ConflictError',
        );
      }),
    });
    const { onLaunched } = renderDialog(api);
    await fillEtl();
    fireEvent.click(screen.getByRole('button', { name: 'Launch' }));
    expect(
      await screen.findByText('Refused by the tenant or the cluster'),
    ).toBeInTheDocument();
    expect(screen.getByText(/has 10 of 10 jobs running/)).toBeInTheDocument();
    expect(onLaunched).not.toHaveBeenCalled();
  });

  it('pre-fills a clone with the run’s values', async () => {
    renderDialog(fakeApi(), {
      title: 'Clone Data ETL #3f2c1a9e with new parameters',
      initial: {
        tenantId: 'acme-analytics',
        jobType: 'data-etl',
        tier: 'medium',
        priority: 'low',
        parameters: { source: 'events-db', destination: 'lake', mode: 'full' },
      },
    });
    expect(
      await screen.findByRole('dialog', {
        name: 'Clone Data ETL #3f2c1a9e with new parameters',
      }),
    ).toBeInTheDocument();
    expect(await screen.findByLabelText(/^Destination/)).toHaveValue('lake');
    expect(screen.getByLabelText('Tier')).toHaveTextContent('Medium');
    expect(screen.getByLabelText('Priority')).toHaveTextContent('Low');
  });

  it('denies a user who is not a member of the tenant, saying whom to ask', async () => {
    const api = fakeApi({ getTenants: jest.fn(async () => [INITECH]) });
    renderDialog(api);
    expect(await screen.findByTestId('launch-denied')).toHaveTextContent(
      'You are not a member of tenant acme-analytics',
    );
    expect(
      screen.queryByRole('button', { name: 'Launch' }),
    ).not.toBeInTheDocument();
  });

  it('says when the tenants cannot be read', async () => {
    const api = fakeApi({
      getTenants: jest.fn(async () => {
        throw new TenantJobsApiError('log reference 3f9a', 500, 'Error');
      }),
    });
    renderDialog(api);
    expect(
      await screen.findByText('The backend or the cluster failed'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/give the log reference to your platform team/),
    ).toBeInTheDocument();
  });
});

describe('LaunchDialog: run on a schedule', () => {
  async function chooseSchedule(api = fakeApi()) {
    const onScheduled = jest.fn();
    const rendered = renderDialog(api, { onScheduled });
    await fillEtl();
    fireEvent.click(screen.getByRole('radio', { name: 'Run on a schedule' }));
    return { ...rendered, onScheduled };
  }

  it('offers the choice only where a schedule can be shown', async () => {
    renderDialog();
    await screen.findByText('Parameters of Data ETL');
    expect(
      screen.queryByRole('radio', { name: 'Run on a schedule' }),
    ).not.toBeInTheDocument();
  });

  it('says the cron in words as it is typed, and what is wrong with it', async () => {
    await chooseSchedule();
    const cron = screen.getByRole('textbox', { name: /^Cron/ });
    expect(cron).toHaveValue('0 3 * * *');
    expect(
      screen.getByText(
        'Every day at 03:00. Plan enterprise keeps up to 25 schedules.',
      ),
    ).toBeInTheDocument();
    fireEvent.change(cron, { target: { value: '30 9 * * 1-5' } });
    expect(
      screen.getByText(/^At 09:30 on Monday to Friday\./),
    ).toBeInTheDocument();
    fireEvent.change(cron, { target: { value: '99 * * * *' } });
    expect(
      screen.getByText("Cron minute: '99' must be 0-59"),
    ).toBeInTheDocument();
    expect(cron).toHaveAttribute('aria-invalid', 'true');
    expect(
      screen.getByRole('button', { name: 'Create schedule' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Launch' }),
    ).not.toBeInTheDocument();
  });

  it('dry-runs the run fields and creates nothing', async () => {
    const { api } = await chooseSchedule();
    fireEvent.change(screen.getByRole('textbox', { name: /^Time zone/ }), {
      target: { value: 'Europe/Berlin' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    expect(await screen.findByTestId('dry-run-verdict')).toHaveTextContent(
      'The Kubernetes API server would accept this job',
    );
    expect(screen.getByTestId('dry-run-schedule')).toHaveTextContent(
      'The schedule would start it every day at 03:00 (Europe/Berlin)',
    );
    expect(api.dryRun).toHaveBeenCalledWith({
      tenantId: 'acme-analytics',
      jobType: 'data-etl',
      tier: 'large',
      priority: 'normal',
      entityRef: ENTITY_REF,
      parameters: expect.objectContaining({ source: 'events-db' }),
    });
    expect(api.createSchedule).not.toHaveBeenCalled();
    expect(api.launch).not.toHaveBeenCalled();
  });

  it('creates the schedule with the run fields, cron, time zone and policy', async () => {
    const { api, onScheduled, onLaunched, onClose } = await chooseSchedule();
    fireEvent.change(screen.getByRole('textbox', { name: /^Cron/ }), {
      target: { value: ' */15 * * * * ' },
    });
    fireEvent.change(screen.getByRole('textbox', { name: /^Time zone/ }), {
      target: { value: 'America/New_York' },
    });
    fireEvent.mouseDown(screen.getByLabelText('Concurrency policy'));
    fireEvent.click(
      within(await screen.findByRole('listbox')).getByRole('option', {
        name: /^Replace/,
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Create schedule' }));
    await waitFor(() => expect(onScheduled).toHaveBeenCalled());
    expect(api.createSchedule).toHaveBeenCalledWith({
      tenantId: 'acme-analytics',
      jobType: 'data-etl',
      tier: 'large',
      priority: 'normal',
      entityRef: ENTITY_REF,
      parameters: {
        source: 'events-db',
        destination: 'warehouse',
        mode: 'incremental',
      },
      cron: '*/15 * * * *',
      timeZone: 'America/New_York',
      concurrencyPolicy: 'Replace',
    });
    expect(onScheduled).toHaveBeenCalledWith(
      expect.objectContaining({ cron: '*/15 * * * *' }),
    );
    expect(api.launch).not.toHaveBeenCalled();
    expect(onLaunched).not.toHaveBeenCalled();
    expect(onClose).toHaveBeenCalled();
  });

  it('creates nothing while the cron or the time zone is wrong', async () => {
    const { api } = await chooseSchedule();
    fireEvent.change(screen.getByRole('textbox', { name: /^Cron/ }), {
      target: { value: '0 3 * *' },
    });
    fireEvent.change(screen.getByRole('textbox', { name: /^Time zone/ }), {
      target: { value: 'Mars/Olympus' },
    });
    expect(screen.getByText(/^Cron must have five fields/)).toBeInTheDocument();
    expect(
      screen.getByText(/^Time zone must be an IANA time zone/),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Create schedule' }));
    fireEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(api.createSchedule).not.toHaveBeenCalled();
    expect(api.dryRun).not.toHaveBeenCalled();
  });

  it("shows why the schedule was refused (the plan's limit)", async () => {
    const api = fakeApi({
      createSchedule: jest.fn(async () => {
        throw new TenantJobsApiError(
          "Tenant 'acme-analytics' keeps 25 of 25 schedules its plan allows",
          409,
          'ConflictError',
        );
      }),
    });
    const { onScheduled } = await chooseSchedule(api);
    fireEvent.click(screen.getByRole('button', { name: 'Create schedule' }));
    expect(
      await screen.findByText(/keeps 25 of 25 schedules/),
    ).toBeInTheDocument();
    expect(onScheduled).not.toHaveBeenCalled();
  });
});
