import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { TenantJobsApiError } from '../../api';
import { fakeApi } from '../../__testUtils__/fakeApi';
import {
  ACME,
  ENTITY_REF,
  INITECH,
  trigger,
} from '../../__testUtils__/fakeData';
import { renderWithApi } from '../../__testUtils__/render';
import { TriggersPanel, TriggersPanelProps } from './TriggersPanel';

function renderPanel(
  api = fakeApi(),
  props: TriggersPanelProps = { tenantIds: ['acme-analytics'] },
) {
  renderWithApi(<TriggersPanel {...props} />, { api });
  return api;
}

/** Picks an option of a Material UI select, opened by its label. */
async function choose(label: string | RegExp, option: string | RegExp) {
  fireEvent.mouseDown(screen.getByLabelText(label));
  const listbox = await screen.findByRole('listbox');
  fireEvent.click(within(listbox).getByRole('option', { name: option }));
  await waitFor(() =>
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument(),
  );
}

describe('TriggersPanel', () => {
  it('lists rules with topic, filter, job type, owner and launched / dropped counts', async () => {
    const api = fakeApi({
      listTriggers: jest.fn(async () => [
        trigger(),
        trigger({
          id: '8e8e8e8e-0000-4000-8000-000000000002',
          topic: 'warehouse.loaded',
          jobType: 'billing-report',
          filter: {},
          parameters: {
            month: { from: 'load.month' },
            format: { value: 'pdf' },
          },
          createdBy: 'user:default/bob',
          launched: 0,
          dropped: {},
          entityRef: undefined,
        }),
      ]),
    });
    renderPanel(api);
    const table = await screen.findByRole('table', { name: 'Trigger rules' });
    expect(api.listTriggers).toHaveBeenCalledWith({
      tenantId: 'acme-analytics',
    });
    const [, push, loaded] = within(table).getAllByRole('row');

    expect(within(push).getByText('github.push')).toBeInTheDocument();
    const filter = within(push).getByRole('list', { name: /^Filter of/ });
    expect(
      within(filter)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      'repository.name = "acme-warehouse-etl"',
      'ref = "refs/heads/main"',
    ]);
    expect(within(push).getByText('Security scan')).toBeInTheDocument();
    expect(within(push).getByText('alice')).toBeInTheDocument();
    expect(within(push).getByText('12')).toBeInTheDocument();
    const dropped = within(push).getByRole('list', {
      name: /^Dropped events of/,
    });
    expect(
      within(dropped)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(["over the tenant's quota: 2", "the tenant's queue was full: 1"]);

    expect(within(loaded).getByText('Every event')).toBeInTheDocument();
    expect(
      within(loaded).getByText('month ← load.month, format = "pdf"'),
    ).toBeInTheDocument();
    expect(within(loaded).getByText('bob')).toBeInTheDocument();
    expect(within(loaded).getByText('None')).toBeInTheDocument();
  });

  it("shows only an entity's rules on its tab", async () => {
    const api = fakeApi({
      listTriggers: jest.fn(async () => [
        trigger(),
        trigger({ id: 'other-1', entityRef: 'component:default/other' }),
      ]),
    });
    renderPanel(api, { tenantIds: ['acme-analytics'], entityRef: ENTITY_REF });
    const table = await screen.findByRole('table', { name: 'Trigger rules' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
  });

  it('deletes a rule only after a confirmation', async () => {
    const api = renderPanel();
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Delete trigger rule Security scan on github.push #7d1f2e3b',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Delete trigger rule Security scan on github.push #7d1f2e3b?',
    });
    expect(dialog).toHaveTextContent(
      'Events on github.push no longer launch Security scan',
    );
    expect(api.deleteTrigger).not.toHaveBeenCalled();
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Delete rule' }),
    );
    await waitFor(() =>
      expect(api.deleteTrigger).toHaveBeenCalledWith(trigger().id),
    );
    await waitFor(() => expect(api.listTriggers).toHaveBeenCalledTimes(2));
  });

  it('explains what a rule is when there is none, and how to add one', async () => {
    renderPanel(fakeApi({ listTriggers: jest.fn(async () => []) }));
    expect(await screen.findByText('No trigger rules yet')).toBeInTheDocument();
    expect(
      screen.getByText(/launches a job when an event arrives on a topic/),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getAllByRole('button', { name: 'New trigger rule' })[0],
      ).toBeEnabled(),
    );
  });

  it('says the platform team must allow topics when none are', async () => {
    renderPanel(
      fakeApi({
        listTriggers: jest.fn(async () => []),
        listTriggerTopics: jest.fn(async () => []),
      }),
    );
    expect(await screen.findByTestId('no-trigger-topics')).toHaveTextContent(
      'The platform team must allow the events topics rules may listen to under tenantJobs.triggers.topics',
    );
    expect(
      screen.getByRole('button', { name: 'New trigger rule' }),
    ).toBeDisabled();
  });

  it('says when the rules cannot be read', async () => {
    renderPanel(
      fakeApi({
        listTriggers: jest.fn(async () => {
          throw new TenantJobsApiError('no access', 403, 'NotAllowedError');
        }),
      }),
    );
    expect(await screen.findByText('You may not do this')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Try again' }),
    ).toBeInTheDocument();
  });

  it('creates a rule with its topic, job type, filter and parameter mapping', async () => {
    const api = fakeApi({
      getTenants: jest.fn(async () => [ACME, INITECH]),
      listTriggers: jest.fn(async () => []),
    });
    renderPanel(api, {
      tenantIds: ['acme-analytics', 'initech-labs'],
      entityRef: ENTITY_REF,
    });
    await waitFor(() =>
      expect(
        screen.getAllByRole('button', { name: 'New trigger rule' })[0],
      ).toBeEnabled(),
    );
    fireEvent.click(
      screen.getAllByRole('button', { name: 'New trigger rule' })[0],
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'New trigger rule',
    });
    await within(dialog).findByLabelText(/^Job type/);
    expect(dialog).toHaveAccessibleDescription(/The filter picks the events/);

    await choose('Tenant', 'Initech Labs');
    await choose(/^Topic/, /^warehouse\.loaded/);
    expect(
      within(dialog).getByText(
        "The shared warehouse finished a nightly load. Shared: every tenant's rules hear each event",
      ),
    ).toBeInTheDocument();
    await choose(/^Job type/, 'Data ETL');

    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Add condition' }),
    );
    fireEvent.change(within(dialog).getByLabelText('Condition 1 path'), {
      target: { value: 'load.table' },
    });
    fireEvent.change(within(dialog).getByLabelText('Condition 1 value'), {
      target: { value: 'events' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Add condition' }),
    );
    fireEvent.change(within(dialog).getByLabelText('Condition 2 path'), {
      target: { value: 'load.complete' },
    });
    fireEvent.change(within(dialog).getByLabelText('Condition 2 value'), {
      target: { value: 'true' },
    });

    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Add parameter' }),
    );
    await choose('Parameter 1 name', 'source (required)');
    fireEvent.change(
      within(dialog).getByLabelText('Parameter 1 payload path'),
      {
        target: { value: 'load.connection' },
      },
    );
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Add parameter' }),
    );
    await choose('Parameter 2 name', 'destination (required)');
    await choose('Parameter 2 source', 'A constant');
    fireEvent.change(within(dialog).getByLabelText('Parameter 2 constant'), {
      target: { value: 'warehouse' },
    });

    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Create rule' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.createTrigger).toHaveBeenCalledWith({
      tenantId: 'initech-labs',
      jobType: 'data-etl',
      tier: 'medium',
      priority: 'normal',
      topic: 'warehouse.loaded',
      filter: { 'load.table': 'events', 'load.complete': true },
      parameters: {
        source: { from: 'load.connection' },
        destination: { value: 'warehouse' },
      },
      entityRef: ENTITY_REF,
    });
    expect(api.listTriggers).toHaveBeenCalledTimes(2);
  });

  it('refuses a filter path that is not one, and shows a refused creation', async () => {
    const api = fakeApi({
      createTrigger: jest.fn(async () => {
        throw new TenantJobsApiError(
          "Tenant 'acme-analytics' keeps 25 of 25 trigger rules its plan allows",
          409,
          'ConflictError',
        );
      }),
    });
    renderPanel(api);
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'New trigger rule' }),
      ).toBeEnabled(),
    );
    fireEvent.click(screen.getByRole('button', { name: 'New trigger rule' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'New trigger rule',
    });
    await within(dialog).findByLabelText(/^Job type/);
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Add condition' }),
    );
    fireEvent.change(within(dialog).getByLabelText('Condition 1 path'), {
      target: { value: 'repository..name' },
    });
    expect(
      within(dialog).getByText(/^Path must be a dotted path/),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Create rule' }),
    ).toBeDisabled();

    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Remove condition 1' }),
    );
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Create rule' }),
    );
    expect(
      await within(dialog).findByText(/keeps 25 of 25 trigger rules/),
    ).toBeInTheDocument();
    expect(api.createTrigger).toHaveBeenCalledWith(
      expect.objectContaining({
        tenantId: 'acme-analytics',
        topic: 'github.push',
        filter: {},
        parameters: {},
      }),
    );
  });
});
