import { screen, within } from '@testing-library/react';
import { TenantJobsApiError } from '../../api';
import { fakeApi } from '../../__testUtils__/fakeApi';
import { ENTITY, ENTITY_REF, INITECH, run } from '../../__testUtils__/fakeData';
import { renderWithApi } from '../../__testUtils__/render';
import { EntityTenantJobsCard } from './EntityTenantJobsCard';

describe('EntityTenantJobsCard', () => {
  it('shows the latest runs, the success rate and a launch button', async () => {
    const api = fakeApi({
      listRuns: jest.fn(async () => ({
        items: [
          run({ status: 'Failed', reason: 'BackoffLimitExceeded' }),
          run({ id: 'dddddddd-0000-4000-8000-000000000005' }),
        ],
      })),
    });
    await renderWithApi(<EntityTenantJobsCard />, { api, entity: ENTITY });
    const list = await screen.findByRole('list', { name: 'Latest runs' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(within(list).getByText('Failed')).toBeInTheDocument();
    expect(screen.getByText('80%')).toBeInTheDocument();
    expect(screen.getByText(/of 10 finished runs/)).toBeInTheDocument();
    expect(api.listRuns).toHaveBeenCalledWith({
      entityRef: ENTITY_REF,
      limit: 5,
    });
    expect(
      await screen.findByRole('button', { name: 'Launch a job' }),
    ).toBeEnabled();
    expect(screen.getByText('View all jobs')).toBeInTheDocument();
  });

  it('tells a non-member why there is nothing', async () => {
    const api = fakeApi({
      getTenants: jest.fn(async () => [INITECH]),
      listRuns: jest.fn(async () => ({ items: [] })),
    });
    await renderWithApi(<EntityTenantJobsCard />, { api, entity: ENTITY });
    expect(
      await screen.findByText(/You are not a member of tenant acme-analytics/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Launch a job' })).toBeDisabled();
  });

  it('explains an error', async () => {
    const api = fakeApi({
      listRuns: jest.fn(async () => {
        throw new TenantJobsApiError(
          'log reference 77aa',
          503,
          'ServiceUnavailableError',
        );
      }),
    });
    await renderWithApi(<EntityTenantJobsCard />, { api, entity: ENTITY });
    expect(
      await screen.findByText('The backend or the cluster failed'),
    ).toBeInTheDocument();
  });
});
