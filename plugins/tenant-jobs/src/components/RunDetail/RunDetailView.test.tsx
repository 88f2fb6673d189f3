import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { TenantJobsApiError } from '../../api';
import { fakeApi } from '../../__testUtils__/fakeApi';
import { detail } from '../../__testUtils__/fakeData';
import { renderWithApi } from '../../__testUtils__/render';
import { RunDetailView } from './RunDetailView';

const ID = '3f2c1a9e-0000-4000-8000-000000000001';

function renderDetail(api = fakeApi(), onOpenRun = jest.fn()) {
  return renderWithApi(
    <RunDetailView runId={ID} onBack={jest.fn()} onOpenRun={onOpenRun} />,
    { api },
  );
}

describe('RunDetailView', () => {
  it('shows the timeline, parameters, attempts, archived log and events of a finished run', async () => {
    const api = fakeApi();
    await renderDetail(api);
    expect(
      await screen.findByRole('heading', { name: 'Data ETL #3f2c1a9e' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('run-detail-status')).toHaveTextContent(
      'Succeeded',
    );

    const timeline = screen.getByLabelText('Status timeline');
    for (const step of ['Submitted', 'Waited', 'Ran', 'Succeeded']) {
      expect(within(timeline).getByText(step)).toBeInTheDocument();
    }
    expect(
      within(timeline).getByText(/5s for a slot and a node/),
    ).toBeInTheDocument();

    const parameters = screen.getByRole('table', { name: 'Parameters' });
    expect(within(parameters).getByText('source').tagName).toBe('TH');
    expect(within(parameters).getByText('events-db')).toBeInTheDocument();

    const attempts = screen.getByRole('table', { name: 'Attempts and pods' });
    expect(within(attempts).getByText('kwok-cpu-1')).toBeInTheDocument();

    // The logs and the events both come from the archive.
    await waitFor(() =>
      expect(
        screen.getAllByText('Archived when the run finished'),
      ).toHaveLength(2),
    );
    expect(api.streamRunLog).toHaveBeenCalledWith(
      ID,
      expect.objectContaining({
        pod: 'data-etl-3f2c1a9e-abcde',
        follow: false,
      }),
    );
    const events = await screen.findByRole('table', {
      name: 'Kubernetes events',
    });
    expect(within(events).getByText('Job completed')).toBeInTheDocument();

    // Finished: retry and clone, no cancel.
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Clone with new parameters' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Cancel run' }),
    ).not.toBeInTheDocument();
  });

  it('says which MultiKueue worker the pods of a dispatched run ran on', async () => {
    const api = fakeApi({
      getRun: jest.fn(async () => {
        const finished = detail();
        return {
          ...finished,
          pods: finished.pods.map(pod => ({ ...pod, cluster: 'gpu-east' })),
        };
      }),
    });
    await renderDetail(api);
    const placement = await screen.findByRole('table', { name: 'Placement' });
    expect(
      within(placement).getByText('gpu-east (MultiKueue worker of local)'),
    ).toBeInTheDocument();
    const attempts = screen.getByRole('table', { name: 'Attempts and pods' });
    expect(
      within(attempts).getByText('on cluster gpu-east'),
    ).toBeInTheDocument();
  });

  it('follows the log of a running pod', async () => {
    const api = fakeApi({
      getRun: jest.fn(async () =>
        detail({
          status: 'Running',
          reason: 'Running',
          finishedAt: undefined,
          logsArchived: false,
        }),
      ),
      streamRunLog: jest.fn(async (_id, options) => {
        options.onSource?.('live');
        options.onText('step 1\n');
        return { source: 'live' as const };
      }),
    });
    await renderDetail(api);
    expect(
      await screen.findByText('Following the running pod'),
    ).toBeInTheDocument();
    expect(api.streamRunLog).toHaveBeenCalledWith(
      ID,
      expect.objectContaining({ pod: 'data-etl-3f2c1a9e-abcde', follow: true }),
    );
  });

  it('explains why a pending run waits and when it may start', async () => {
    const api = fakeApi({
      getRun: jest.fn(async () =>
        detail({
          status: 'Pending',
          reason: 'Unschedulable',
          message:
            "0/6 nodes are available: 6 node(s) didn't match Pod's node affinity/selector.",
          startedAt: undefined,
          finishedAt: undefined,
          createdAt: new Date(Date.now() - 5_000).toISOString(),
          pods: [],
          logsArchived: false,
        }),
      ),
      listRuns: jest.fn(async () => ({
        items: [
          detail({ id: 'other-1' }),
          detail({ id: 'other-2' }),
          detail({ id: ID }),
        ],
      })),
    });
    await renderDetail(api);
    const explanation = await screen.findByTestId('pending-explanation');
    expect(explanation).toHaveTextContent('No node can run it right now');
    expect(explanation).toHaveTextContent(
      "didn't match Pod's node affinity/selector",
    );
    await waitFor(() =>
      expect(explanation).toHaveTextContent(
        '2 earlier runs of this tenant are waiting too.',
      ),
    );
    expect(explanation).toHaveTextContent(
      "Half of this tenant's recent runs started within 20s of being submitted, 95% within 1m 30s.",
    );
    // Held by the cluster: the usual waits, but no promise.
    expect(explanation).toHaveTextContent('This one cannot start at that pace');
    expect(api.listRuns).toHaveBeenCalledWith(
      expect.objectContaining({
        tenant: ['acme-analytics'],
        status: ['Queued', 'Pending'],
      }),
    );
    expect(
      screen.getByText(/No log yet: the run has no pod/),
    ).toBeInTheDocument();
  });

  it("shows a queued run's place in the tenant's queue", async () => {
    const api = fakeApi({
      getRun: jest.fn(async () =>
        detail({
          status: 'Queued',
          reason: 'WaitingForSlot',
          startedAt: undefined,
          finishedAt: undefined,
          pods: [],
          queue: {
            position: 2,
            running: 10,
            slots: 10,
            estimatedStartAt: new Date(Date.now() + 125_000).toISOString(),
          },
        }),
      ),
    });
    await renderDetail(api);
    const explanation = await screen.findByTestId('pending-explanation');
    expect(explanation).toHaveTextContent(
      "Waiting in the tenant's queue: number 2 in line",
    );
    expect(explanation).toHaveTextContent(
      "10 of the tenant's 10 slots are taken",
    );
    expect(explanation).toHaveTextContent(/Expected to start in about 2m/);
  });

  it('cancels an active run only after confirmation', async () => {
    const api = fakeApi({
      getRun: jest.fn(async () =>
        detail({
          status: 'Running',
          reason: 'Running',
          finishedAt: undefined,
          logsArchived: false,
        }),
      ),
    });
    await renderDetail(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel run' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Cancel Data ETL #3f2c1a9e?',
    });
    expect(api.cancel).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.cancel).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Cancel run' }));
    fireEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Cancel run',
      }),
    );
    await waitFor(() => expect(api.cancel).toHaveBeenCalledWith(ID));
  });

  it('retries after confirmation and opens the new run', async () => {
    const api = fakeApi();
    const onOpenRun = jest.fn();
    await renderDetail(api, onOpenRun);
    fireEvent.click(await screen.findByRole('button', { name: 'Retry' }));
    fireEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Retry',
      }),
    );
    await waitFor(() =>
      expect(onOpenRun).toHaveBeenCalledWith(
        '3f2c1a9e-0000-4000-8000-000000000077',
      ),
    );
  });

  it('shows the result the run reported', async () => {
    const api = fakeApi({
      getRun: jest.fn(async () =>
        detail({
          jobType: 'security-scan',
          result: {
            summary: '2 high findings in 143 packages',
            findings: { critical: 0, high: 2, medium: 5, low: 11 },
            reportUrl: 'https://reports.example.com/scan/42',
          },
        }),
      ),
    });
    await renderDetail(api);
    expect(
      await screen.findByText('2 high findings in 143 packages'),
    ).toBeInTheDocument();
    const findings = screen.getByRole('list', { name: 'Findings by severity' });
    expect(within(findings).getByText('2 high')).toBeInTheDocument();
    expect(within(findings).getByText('0 critical')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Open the report' }),
    ).toHaveAttribute('href', 'https://reports.example.com/scan/42');
  });

  it("says a run is not found (or another tenant's) instead of showing it", async () => {
    const api = fakeApi({
      getRun: jest.fn(async () => {
        throw new TenantJobsApiError(
          `No tenant job run with id '${ID}'`,
          404,
          'NotFoundError',
        );
      }),
    });
    await renderDetail(api);
    expect(await screen.findByText('Not found')).toBeInTheDocument();
    expect(
      screen.getByText(/belongs to a tenant you are not a member of/),
    ).toBeInTheDocument();
  });
});
