import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { TenantJobsApiError } from '../../api';
import { fakeApi } from '../../__testUtils__/fakeApi';
import { ACME, INITECH } from '../../__testUtils__/fakeData';
import { renderWithApi } from '../../__testUtils__/render';
import { ConfigurationBackup } from './ConfigurationBackup';

const YAML = "schedules:\n  - jobType: data-etl\n    cron: '0 3 * * *'\n";

function chooseFile(text = YAML, name = 'acme.yaml') {
  fireEvent.change(screen.getByLabelText('Configuration file to restore'), {
    target: { files: [new File([text], name, { type: 'application/yaml' })] },
  });
}

describe('ConfigurationBackup', () => {
  const createObjectURL = jest.fn((_blob: Blob) => 'blob:tenant-jobs/1');
  const revokeObjectURL = jest.fn();
  let clicked: HTMLAnchorElement[];

  beforeEach(() => {
    clicked = [];
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        clicked.push(this);
      });
  });
  afterEach(() => jest.restoreAllMocks());

  it("downloads the chosen tenant's configuration as <tenant>-tenant-jobs.yaml", async () => {
    const api = fakeApi({ getTenants: jest.fn(async () => [ACME, INITECH]) });
    renderWithApi(
      <ConfigurationBackup tenantIds={['acme-analytics', 'initech-labs']} />,
      { api },
    );
    fireEvent.mouseDown(await screen.findByLabelText('Tenant'));
    fireEvent.click(
      within(await screen.findByRole('listbox')).getByRole('option', {
        name: 'Initech Labs',
      }),
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Download configuration' }),
    );
    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(api.exportConfiguration).toHaveBeenCalledWith('initech-labs');
    expect(clicked[0].download).toBe('initech-labs-tenant-jobs.yaml');
    expect(clicked[0].href).toBe('blob:tenant-jobs/1');
    const blob = createObjectURL.mock.calls[0][0];
    expect(blob.type).toBe('application/yaml');
    expect(await blob.text()).toMatch(/^schedules:/);
  });

  it('previews a file, lists what it creates, and imports it only on Import', async () => {
    const onRestored = jest.fn();
    const api = fakeApi();
    renderWithApi(
      <ConfigurationBackup
        tenantIds={['acme-analytics']}
        onRestored={onRestored}
      />,
      { api },
    );
    // One tenant: no select.
    expect(screen.queryByLabelText('Tenant')).not.toBeInTheDocument();
    chooseFile();
    const dialog = await screen.findByRole('dialog', {
      name: 'Restore acme.yaml into Acme Analytics?',
    });
    expect(api.previewConfiguration).toHaveBeenCalledWith(
      'acme-analytics',
      YAML,
    );
    expect(api.importConfiguration).not.toHaveBeenCalled();
    expect(
      within(
        within(dialog).getByRole('list', { name: 'Schedules to create' }),
      ).getByRole('listitem'),
    ).toHaveTextContent('Data ETL: Every day at 03:00 (UTC)');
    expect(
      within(
        within(dialog).getByRole('list', { name: 'Trigger rules to create' }),
      ).getByRole('listitem'),
    ).toHaveTextContent('Security scan on github.push');

    fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    await waitFor(() =>
      expect(api.importConfiguration).toHaveBeenCalledWith(
        'acme-analytics',
        YAML,
      ),
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Restored 1 schedule and 1 trigger rule into Acme Analytics.',
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(onRestored).toHaveBeenCalledWith({ schedules: 1, triggers: 1 });
  });

  it('lists why a file is refused and does not offer Import', async () => {
    const api = fakeApi({
      previewConfiguration: jest.fn(async () => ({
        dryRun: true as const,
        schedules: [],
        triggers: [],
        problems: [
          'schedules[0].cron: must have five fields (minute hour day-of-month month day-of-week); got 4 fields',
          'the tenant would keep 26 schedules; plan enterprise allows 25: delete one first',
        ],
      })),
    });
    renderWithApi(<ConfigurationBackup tenantIds={['acme-analytics']} />, {
      api,
    });
    chooseFile();
    const dialog = await screen.findByRole('dialog');
    const problems = within(dialog).getByRole('list', {
      name: 'Why the file is refused',
    });
    expect(within(problems).getAllByRole('listitem')).toHaveLength(2);
    expect(problems).toHaveTextContent('got 4 fields');
    expect(problems).toHaveTextContent('delete one first');
    expect(
      within(dialog).getByRole('button', { name: 'Import' }),
    ).toBeDisabled();

    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.importConfiguration).not.toHaveBeenCalled();
  });

  it('creates nothing when the preview is cancelled', async () => {
    const api = fakeApi();
    renderWithApi(<ConfigurationBackup tenantIds={['acme-analytics']} />, {
      api,
    });
    chooseFile();
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.importConfiguration).not.toHaveBeenCalled();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('says why a file that is not YAML was refused', async () => {
    const api = fakeApi({
      previewConfiguration: jest.fn(async () => {
        throw new TenantJobsApiError(
          'The document uses YAML anchors or aliases; write the values out',
          400,
          'InputError',
        );
      }),
    });
    renderWithApi(<ConfigurationBackup tenantIds={['acme-analytics']} />, {
      api,
    });
    chooseFile('a: &x 1\nb: *x\n', 'aliases.yaml');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The document uses YAML anchors or aliases',
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('keeps the preview open with the reason when the import is refused', async () => {
    const api = fakeApi({
      importConfiguration: jest.fn(async () => {
        throw new TenantJobsApiError(
          'A schedule was created meanwhile: the tenant would keep 26 of 25',
          409,
          'ConflictError',
        );
      }),
    });
    renderWithApi(<ConfigurationBackup tenantIds={['acme-analytics']} />, {
      api,
    });
    chooseFile();
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(
      await within(dialog).findByText(/would keep 26 of 25/),
    ).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('says when the download fails', async () => {
    const api = fakeApi({
      exportConfiguration: jest.fn(async () => {
        throw new TenantJobsApiError('no access', 403, 'NotAllowedError');
      }),
    });
    renderWithApi(<ConfigurationBackup tenantIds={['acme-analytics']} />, {
      api,
    });
    fireEvent.click(
      screen.getByRole('button', { name: 'Download configuration' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'You may not do this',
    );
    expect(clicked).toHaveLength(0);
  });
});
