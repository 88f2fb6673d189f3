import { useState } from 'react';
import { TestApiProvider, mockApis } from '@backstage/frontend-test-utils';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TenantJobsApi, tenantJobsApiRef, TenantSummary } from '../api';
import { validateTenantJob } from './field';
import { TenantJobPickerValue } from './jobForm';
import { TenantJobPicker } from './TenantJobPicker';
import { ACME, INITECH, JOB_TYPES } from './testData';

function mockApi(tenants: TenantSummary[]) {
  return {
    getJobTypes: jest.fn(async () => JOB_TYPES),
    getTenants: jest.fn(async () => tenants),
    dryRun: jest.fn(async (request: any) => ({
      dryRun: true,
      ...request,
      namespace: `tenant-${request.tenantId}`,
      jobName: 'x',
      checkedBy: 'apiserver',
      message: 'The cluster would accept the Job',
      manifest: {},
    })),
  } as unknown as jest.Mocked<TenantJobsApi>;
}

function Form(props: {
  jobType: string;
  defaults?: Record<string, unknown>;
  initial?: TenantJobPickerValue;
  rawErrors?: string[];
  onChange: jest.Mock;
}) {
  const [data, setData] = useState(props.initial);
  const field: any = {
    formData: data,
    onChange: (value: TenantJobPickerValue) => {
      setData(value);
      props.onChange(value);
    },
    uiSchema: {
      'ui:options': { jobType: props.jobType, defaults: props.defaults },
    },
    schema: { title: 'Job', description: 'What to run' },
    idSchema: { $id: 'root_job' },
    rawErrors: props.rawErrors ?? [],
    required: true,
  };
  return <TenantJobPicker {...field} />;
}

function renderForm(
  api: TenantJobsApi,
  props: Omit<Parameters<typeof Form>[0], 'onChange'>,
) {
  const onChange = jest.fn();
  render(
    <TestApiProvider
      apis={[[tenantJobsApiRef, api], mockApis.discovery(), mockApis.fetch()]}
    >
      <Form {...props} onChange={onChange} />
    </TestApiProvider>,
  );
  return { onChange, last: () => onChange.mock.calls.at(-1)?.[0] };
}

const optionsOf = (label: string) =>
  within(screen.getByLabelText(label, { exact: false }))
    .getAllByRole('option')
    .map(o => ({
      label: o.textContent,
      value: (o as HTMLOptionElement).value,
      disabled: (o as HTMLOptionElement).disabled,
    }));

describe('TenantJobPicker', () => {
  it("offers the caller's tenants, only those whose plan may run the type, and picks the only one", async () => {
    const api = mockApi([ACME, INITECH]);
    const { last } = renderForm(api, { jobType: 'ml-training' });

    await screen.findByText(/ML training: Trains a machine learning model/);
    expect(optionsOf('Tenant')).toEqual([
      { label: 'Choose a tenant', value: '', disabled: false },
      { label: 'Tenant acme', value: 'acme', disabled: false },
      {
        label: 'Tenant initech (not on its plan)',
        value: 'initech',
        disabled: true,
      },
    ]);
    await waitFor(() =>
      expect(last()).toEqual({
        tenantId: 'acme',
        tier: 'xlarge',
        priority: 'normal',
        parameters: { epochs: 10, learningRate: 0.001, batchSize: 32 },
      }),
    );
    expect(optionsOf('Tier').map(o => o.value)).toEqual([
      'xlarge',
      'enterprise',
    ]);
    expect(
      screen.getByText(/plan enterprise: up to enterprise/),
    ).toBeInTheDocument();
  });

  it("offers the tiers and priorities of the chosen tenant's plan", async () => {
    const api = mockApi([ACME, INITECH]);
    const { last } = renderForm(api, { jobType: 'data-etl' });
    const tenantSelect = await screen.findByLabelText('Tenant', {
      exact: false,
    });

    await userEvent.selectOptions(tenantSelect, 'initech');

    expect(last()).toMatchObject({
      tenantId: 'initech',
      tier: 'small',
      priority: 'normal',
    });
    expect(optionsOf('Tier')).toEqual([
      { label: 'Small: 250m CPU, 512Mi', value: 'small', disabled: false },
      { label: 'Medium: 500m CPU, 1Gi', value: 'medium', disabled: false },
    ]);
    expect(optionsOf('Priority').map(o => o.value)).toEqual([
      'high',
      'normal',
      'low',
      'batch',
    ]);

    await userEvent.selectOptions(tenantSelect, 'acme');
    expect(optionsOf('Priority').map(o => o.value)).toContain('critical');
    expect(optionsOf('Tier').map(o => o.value)).toEqual([
      'small',
      'medium',
      'large',
      'xlarge',
    ]);
  });

  it("renders the type's own parameters from its schema, with the template's defaults", async () => {
    const api = mockApi([INITECH]);
    const { last } = renderForm(api, {
      jobType: 'billing-report',
      defaults: { format: 'pdf' },
    });

    const period = await screen.findByLabelText('Period', { exact: false });
    // Optional: it may be left unset.
    expect(optionsOf('Format').map(o => o.value)).toEqual([
      '',
      'csv',
      'pdf',
      'json',
    ]);
    await waitFor(() => expect(last()?.parameters).toEqual({ format: 'pdf' }));

    await userEvent.type(period, '2025-06');

    expect(last()).toEqual({
      tenantId: 'initech',
      tier: 'medium',
      priority: 'normal',
      parameters: { format: 'pdf', period: '2025-06' },
    });
  });

  it('shows why a parameter is wrong once the form is checked', async () => {
    const api = mockApi([INITECH]);
    renderForm(api, {
      jobType: 'billing-report',
      initial: {
        tenantId: 'initech',
        tier: 'small',
        priority: 'low',
        parameters: { period: '2025-13' },
      },
      rawErrors: ['Period is not in the expected form, e.g. 2025-06'],
    });
    expect(
      await screen.findAllByText(
        'Period is not in the expected form, e.g. 2025-06',
      ),
    ).toHaveLength(2);
  });

  it('checks the job with a dry run on request', async () => {
    const api = mockApi([INITECH]);
    renderForm(api, {
      jobType: 'security-scan',
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Check with a dry run' }),
    );
    expect(
      await screen.findByText(
        'The cluster would accept the Job (checked by the apiserver)',
      ),
    ).toBeInTheDocument();
    expect(api.dryRun).toHaveBeenCalledWith({
      tenantId: 'initech',
      jobType: 'security-scan',
      tier: 'medium',
      priority: 'normal',
      parameters: { scanType: 'image', severityThreshold: 'HIGH' },
    });
  });

  it('says so when none of the caller’s tenants may run the type', async () => {
    renderForm(mockApi([INITECH]), { jobType: 'ml-training' });
    expect(
      await screen.findByText(/None of your tenants may run a ML training job/),
    ).toBeInTheDocument();
    renderForm(mockApi([]), { jobType: 'ml-training' });
    expect(
      await screen.findByText(/You are not a member of any tenant/),
    ).toBeInTheDocument();
  });

  it('says so when the template names a job type the portal does not offer', async () => {
    renderForm(mockApi([ACME]), { jobType: 'crypto-mining' });
    expect(
      await screen.findByText(/launches the job type 'crypto-mining'/),
    ).toBeInTheDocument();
  });
});

describe('validateTenantJob', () => {
  const run = async (value: TenantJobPickerValue | undefined) => {
    const errors: string[] = [];
    const api = mockApi([ACME]);
    await validateTenantJob(
      value as TenantJobPickerValue,
      { addError: (e: string) => errors.push(e) } as any,
      {
        apiHolder: {
          get: (ref: any) => (ref === tenantJobsApiRef ? api : undefined),
        },
        formData: {},
        schema: {},
        uiSchema: { 'ui:options': { jobType: 'ml-training' } },
      } as any,
    );
    return errors;
  };

  it('wants a tenant and parameters valid against the type', async () => {
    expect(await run(undefined)).toEqual([
      'Choose the tenant to run the job for',
    ]);
    expect(
      await run({ tenantId: 'acme', parameters: { model: 'm', epochs: 0 } }),
    ).toEqual(['Dataset is required', 'Epochs must be between 1 and 1000']);
    expect(
      await run({
        tenantId: 'acme',
        parameters: { model: 'm', dataset: 'd' },
      }),
    ).toEqual([]);
  });
});
