import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { TenantJobsApiError } from '../../api';
import { fakeApi } from '../../__testUtils__/fakeApi';
import { ACME, INITECH } from '../../__testUtils__/fakeData';
import { auditEvent } from '../../__testUtils__/fakePlatformData';
import { renderWithApi } from '../../__testUtils__/render';
import { saveFile } from '../../lib/saveFile';
import { AuditView } from './AuditView';

jest.mock('../../lib/saveFile', () => ({ saveFile: jest.fn() }));

const TENANTS = [ACME, INITECH];
const DAY_MS = 86_400_000;

async function choose(label: string, option: string) {
  fireEvent.mouseDown(screen.getByLabelText(label));
  fireEvent.click(
    within(await screen.findByRole('listbox')).getByRole('option', {
      name: option,
    }),
  );
}

describe('AuditView', () => {
  beforeEach(() => jest.mocked(saveFile).mockClear());

  it('shows who did what, on which tenant and run, how it ended and why', async () => {
    const api = fakeApi({
      listAuditEvents: jest.fn(async () => ({
        items: [
          auditEvent(),
          auditEvent({
            id: 8,
            actor: 'user:default/dave',
            action: 'run-cancel',
            tenantId: 'globex-retail',
            runId: 'ffffffff-0000-4000-8000-000000000008',
            asAdmin: true,
          }),
          auditEvent({
            id: 9,
            actor: 'user:default/bob',
            action: 'request-refused',
            runId: undefined,
            outcome: 'refused',
            detail: {
              status: 403,
              message: 'You are not a member of tenant acme-analytics',
            },
          }),
        ],
      })),
    });
    await renderWithApi(<AuditView tenants={TENANTS} />, { api });
    const table = await screen.findByRole('table', { name: 'Audit events' });
    const [, submitted, cancelled, refused] = within(table).getAllByRole('row');

    expect(within(submitted).getByText('alice')).toHaveAttribute(
      'title',
      'user:default/alice',
    );
    expect(within(submitted).getByText('Submit a run')).toBeInTheDocument();
    expect(within(submitted).getByText('run-submit')).toBeInTheDocument();
    expect(within(submitted).getByText('acme-analytics')).toBeInTheDocument();
    expect(
      within(submitted).getByRole('link', { name: '#3f2c1a9e' }),
    ).toHaveAttribute(
      'href',
      expect.stringContaining('?run=3f2c1a9e-0000-4000-8000-000000000001'),
    );
    expect(within(submitted).getByText('Succeeded')).toBeInTheDocument();
    expect(within(submitted).queryByText('as admin')).not.toBeInTheDocument();

    expect(within(cancelled).getByText('dave')).toBeInTheDocument();
    expect(within(cancelled).getByText('as admin')).toBeInTheDocument();
    expect(within(cancelled).getByText('Cancel a run')).toBeInTheDocument();

    expect(within(refused).getByText('Refused')).toBeInTheDocument();
    expect(
      within(refused).getByText(
        'You are not a member of tenant acme-analytics (HTTP 403)',
      ),
    ).toBeInTheDocument();
    expect(api.listAuditEvents).toHaveBeenCalledWith({
      limit: 50,
      cursor: undefined,
    });
  });

  it('filters on the server by tenant, action, actor, outcome and time', async () => {
    const api = fakeApi();
    await renderWithApi(<AuditView tenants={TENANTS} />, { api });
    await screen.findByRole('table', { name: 'Audit events' });

    await choose('Tenant', 'Initech Labs');
    await choose('Action', 'Delete a schedule');
    await choose('Outcome', 'Refused');
    fireEvent.change(screen.getByLabelText('Actor'), {
      target: { value: 'Dave' },
    });
    fireEvent.submit(screen.getByLabelText('Actor').closest('form')!);
    fireEvent.change(screen.getByLabelText('From'), {
      target: { value: '2026-11-01T08:30' },
    });
    fireEvent.change(screen.getByLabelText('To'), {
      target: { value: '2026-11-02T08:30' },
    });

    await waitFor(() =>
      expect(api.listAuditEvents).toHaveBeenLastCalledWith({
        tenantId: ['initech-labs'],
        action: ['schedule-delete'],
        actor: 'user:default/dave',
        outcome: ['refused'],
        from: new Date('2026-11-01T08:30').toISOString(),
        to: new Date('2026-11-02T08:30').toISOString(),
        limit: 50,
        cursor: undefined,
      }),
    );

    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() =>
      expect(api.listAuditEvents).toHaveBeenLastCalledWith({
        limit: 50,
        cursor: undefined,
      }),
    );
  });

  it('pages on the server with the cursor of the next page, and back to the first', async () => {
    const api = fakeApi({
      listAuditEvents: jest.fn(async query => ({
        items: [
          auditEvent({
            id: query.cursor ? 2 : 1,
            actor: query.cursor ? 'user:default/carol' : 'user:default/alice',
          }),
        ],
        nextCursor: query.cursor ? undefined : 'cursor-2',
      })),
    });
    await renderWithApi(<AuditView tenants={TENANTS} />, { api });
    await screen.findByText('alice');
    expect(screen.getByRole('button', { name: 'First page' })).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('carol')).toBeInTheDocument();
    expect(api.listAuditEvents).toHaveBeenLastCalledWith({
      limit: 50,
      cursor: 'cursor-2',
    });
    expect(screen.getByText('Events 51–51')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'First page' }));
    expect(await screen.findByText('alice')).toBeInTheDocument();
    expect(api.listAuditEvents).toHaveBeenLastCalledWith({
      limit: 50,
      cursor: undefined,
    });
  });

  it('starts a new filter at its first page, never asking for an old page with it', async () => {
    const api = fakeApi({
      listAuditEvents: jest.fn(async query => ({
        items: [auditEvent({ id: query.cursor ? 2 : 1 })],
        nextCursor: query.cursor ? undefined : 'cursor-2',
      })),
    });
    await renderWithApi(<AuditView tenants={TENANTS} />, { api });
    await screen.findByText('Events 1–1');
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('Events 51–51');

    await choose('Outcome', 'Refused');
    await screen.findByText('Events 1–1');
    const withFilter = api.listAuditEvents.mock.calls
      .map(([query]) => query)
      .filter(query => query.outcome);
    expect(withFilter).toEqual([
      { outcome: ['refused'], limit: 50, cursor: undefined },
    ]);
  });

  it('exports the last 30 days by default as CSV, with the filters', async () => {
    const api = fakeApi();
    await renderWithApi(<AuditView tenants={TENANTS} />, { api });
    await screen.findByRole('table', { name: 'Audit events' });
    await choose('Tenant', 'Acme Analytics');

    fireEvent.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Export audit events',
    });
    expect(within(dialog).getByLabelText('CSV')).toBeChecked();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Download' }));

    await waitFor(() => expect(saveFile).toHaveBeenCalled());
    const [query] = api.exportAudit.mock.calls[0];
    expect(query).toEqual({
      tenantId: ['acme-analytics'],
      format: 'csv',
      from: expect.any(String),
      to: expect.any(String),
    });
    const span = Date.parse(query.to) - Date.parse(query.from);
    expect(Math.abs(span - 30 * DAY_MS)).toBeLessThanOrEqual(60_000);
    expect(Math.abs(Date.parse(query.to) - Date.now())).toBeLessThan(120_000);
    expect(saveFile).toHaveBeenCalledWith(
      expect.objectContaining({ fileName: 'tenant-jobs-audit.csv' }),
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('dialog', { name: 'Export audit events' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('exports a chosen time range as JSON Lines, and refuses a backwards one', async () => {
    const api = fakeApi();
    await renderWithApi(<AuditView tenants={TENANTS} />, { api });
    await screen.findByRole('table', { name: 'Audit events' });
    fireEvent.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Export audit events',
    });
    fireEvent.click(within(dialog).getByLabelText('JSON Lines'));
    fireEvent.change(within(dialog).getByLabelText(/^From/), {
      target: { value: '2026-11-10T00:00' },
    });
    fireEvent.change(within(dialog).getByLabelText(/^To/), {
      target: { value: '2026-11-01T00:00' },
    });
    expect(
      within(dialog).getByText('The end must be after the start.'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Download' }),
    ).toBeDisabled();

    fireEvent.change(within(dialog).getByLabelText(/^To/), {
      target: { value: '2026-11-30T00:00' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Download' }));
    await waitFor(() =>
      expect(api.exportAudit).toHaveBeenCalledWith({
        format: 'jsonl',
        from: new Date('2026-11-10T00:00').toISOString(),
        to: new Date('2026-11-30T00:00').toISOString(),
      }),
    );
  });

  it('keeps the export dialog open with the reason when the export fails', async () => {
    const api = fakeApi({
      exportAudit: jest.fn(async () => {
        throw new TenantJobsApiError('from and to are required', 400);
      }),
    });
    await renderWithApi(<AuditView tenants={TENANTS} />, { api });
    await screen.findByRole('table', { name: 'Audit events' });
    fireEvent.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Download' }));
    expect(
      await within(dialog).findByText('from and to are required'),
    ).toBeInTheDocument();
    expect(saveFile).not.toHaveBeenCalled();
  });

  it('says so when no event matches', async () => {
    const api = fakeApi({
      listAuditEvents: jest.fn(async () => ({ items: [] })),
    });
    await renderWithApi(<AuditView tenants={TENANTS} />, { api });
    expect(
      await screen.findByText('No audit events match these filters'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Clear a filter or widen the time range/),
    ).toBeInTheDocument();
  });

  it("explains a refusal to read another tenant's events, and tries again", async () => {
    const listAuditEvents = jest
      .fn()
      .mockRejectedValueOnce(
        new TenantJobsApiError(
          'You may not read the audit events of tenant globex-retail',
          403,
          'NotAllowedError',
        ),
      )
      .mockResolvedValue({ items: [auditEvent()] });
    const api = fakeApi({ listAuditEvents });
    await renderWithApi(<AuditView tenants={TENANTS} />, { api });
    expect(await screen.findByText('You may not do this')).toBeInTheDocument();
    expect(
      screen.getByText(
        'You may not read the audit events of tenant globex-retail',
      ),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('table', { name: 'Audit events' }),
    ).toBeInTheDocument();
  });
});
