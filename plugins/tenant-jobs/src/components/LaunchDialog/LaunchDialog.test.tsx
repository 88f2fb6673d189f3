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
