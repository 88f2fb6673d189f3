import { act, screen, waitFor } from '@testing-library/react';
import { fakeApi } from '../../__testUtils__/fakeApi';
import { ACME, INITECH } from '../../__testUtils__/fakeData';
import { renderWithApi } from '../../__testUtils__/render';
import {
  CLUSTER_RECHECK_MS,
  ClusterOutageBanner,
  unreachableClusters,
} from './ClusterOutageBanner';

const DOWN = { reachable: false, lastAnsweredAt: '2026-12-07T09:12:04Z' };

describe('ClusterOutageBanner', () => {
  it('groups the tenants of each unreachable cluster and ignores the rest', () => {
    expect(
      unreachableClusters([
        { ...ACME, cluster: 'east', clusterState: DOWN },
        { ...INITECH, cluster: 'east', clusterState: DOWN },
        {
          ...ACME,
          id: 'globex',
          cluster: 'west',
          clusterState: { reachable: true },
        },
        // A backend that does not say is not an outage.
        { ...ACME, id: 'older', cluster: 'north' },
        // A MultiKueue manager whose worker does not answer: the worker.
        {
          ...ACME,
          id: 'dispatched',
          cluster: 'hub',
          clusterState: { ...DOWN, cluster: 'gpu-east' },
        },
      ]),
    ).toEqual([
      {
        cluster: 'east',
        tenantIds: [ACME.id, INITECH.id],
        lastAnsweredAt: DOWN.lastAnsweredAt,
      },
      {
        cluster: 'gpu-east',
        tenantIds: ['dispatched'],
        lastAnsweredAt: DOWN.lastAnsweredAt,
      },
    ]);
  });

  it('names the cluster and its tenant while it does not answer, and goes once it does', async () => {
    jest.useFakeTimers();
    try {
      const getTenants = jest
        .fn()
        .mockResolvedValueOnce([
          { ...ACME, cluster: 'local-2', clusterState: DOWN },
        ])
        .mockResolvedValue([
          { ...ACME, cluster: 'local-2', clusterState: { reachable: true } },
        ]);
      await renderWithApi(<ClusterOutageBanner tenantIds={[ACME.id]} />, {
        api: fakeApi({ getTenants }),
      });
      const alert = await screen.findByTestId('cluster-outage');
      expect(alert).toHaveAttribute('data-cluster', 'local-2');
      expect(alert).toHaveTextContent('Cluster local-2 is not answering');
      expect(alert).toHaveTextContent(`Tenant ${ACME.id} runs there.`);
      expect(alert).toHaveTextContent(
        'Tenants on other clusters are not affected.',
      );

      await act(async () => {
        jest.advanceTimersByTime(CLUSTER_RECHECK_MS);
      });
      await waitFor(() =>
        expect(screen.queryByTestId('cluster-outage')).not.toBeInTheDocument(),
      );
      expect(getTenants).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it("shows nothing for another tenant's cluster", async () => {
    const getTenants = jest.fn(async () => [
      { ...INITECH, cluster: 'local-2', clusterState: DOWN },
      { ...ACME, cluster: 'local', clusterState: { reachable: true } },
    ]);
    await renderWithApi(<ClusterOutageBanner tenantIds={[ACME.id]} />, {
      api: fakeApi({ getTenants }),
    });
    await waitFor(() => expect(getTenants).toHaveBeenCalled());
    expect(screen.queryByTestId('cluster-outage')).not.toBeInTheDocument();
  });
});
