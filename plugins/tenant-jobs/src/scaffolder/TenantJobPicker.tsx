import { useMemo, useEffect, useState } from 'react';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
  useApiHolder,
} from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  getPriority,
  getTier,
  ParameterSchema,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import useAsync from 'react-use/esm/useAsync';
import {
  TenantJobsApi,
  tenantJobsApiRef,
  TenantJobsClient,
  TenantJobType,
  TenantSummary,
} from '../api';
import {
  cleanParameters,
  initialValue,
  parameterProblems,
  prioritiesFor,
  tenantChoices,
  TenantJobPickerUiOptions,
  TenantJobPickerValue,
  tiersFor,
  withTenant,
} from './jobForm';

/**
 * The Tenant Jobs API of the app, or a client of its own when the app does
 * not install the Tenant Jobs plugin's API.
 */
export function useTenantJobsApi(): TenantJobsApi {
  const holder = useApiHolder();
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  return useMemo(
    () =>
      holder.get(tenantJobsApiRef) ??
      new TenantJobsClient({ discoveryApi, fetchApi }),
    [holder, discoveryApi, fetchApi],
  );
}

function tierLabel(id: string): string {
  const tier = getTier(id as never);
  const gpu = tier.gpu ? `, ${tier.gpu} GPU` : '';
  return `${tier.title}: ${tier.cpu} CPU, ${tier.memory}${gpu}`;
}

function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

/** A form answer as the schema's type: numbers, lists, or the text. */
function parse(schema: ParameterSchema, text: string): unknown {
  if (text.trim() === '') return undefined;
  if (schema.type === 'integer' || schema.type === 'number') {
    const number = Number(text);
    return Number.isFinite(number) ? number : text;
  }
  if (schema.type === 'array') {
    return text
      .split(',')
      .map(item => item.trim())
      .filter(Boolean)
      .map(item => parse(schema.items, item));
  }
  return text;
}

function ParameterInput(props: {
  id: string;
  name: string;
  schema: ParameterSchema;
  required: boolean;
  value: unknown;
  problem?: string;
  disabled?: boolean;
  onChange(value: unknown): void;
}) {
  const { id, name, schema, required, value, problem, disabled } = props;
  const label = schema.title ?? name;
  const help = problem ? `${label} ${problem}` : schema.description;
  if (schema.type === 'boolean') {
    return (
      <FormControlLabel
        control={
          <Checkbox
            id={id}
            checked={value === true}
            disabled={disabled}
            onChange={event => props.onChange(event.target.checked)}
          />
        }
        label={label}
      />
    );
  }
  if (schema.type === 'string' && schema.enum) {
    return (
      <TextField
        id={id}
        select
        fullWidth
        label={label}
        required={required}
        value={textOf(value)}
        disabled={disabled}
        error={Boolean(problem)}
        helperText={help}
        SelectProps={{ native: true }}
        InputLabelProps={{ shrink: true }}
        onChange={event => props.onChange(parse(schema, event.target.value))}
      >
        {!required && <option value="">(not set)</option>}
        {schema.enum.map(option => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </TextField>
    );
  }
  const numeric = schema.type === 'integer' || schema.type === 'number';
  const examples =
    'examples' in schema && schema.examples?.length
      ? `e.g. ${schema.examples[0]}`
      : undefined;
  return (
    <TextField
      id={id}
      fullWidth
      label={label}
      required={required}
      value={textOf(value)}
      disabled={disabled}
      error={Boolean(problem)}
      placeholder={
        schema.type === 'array' ? 'comma-separated values' : examples
      }
      helperText={help}
      type={numeric ? 'number' : 'text'}
      inputProps={
        numeric
          ? { min: schema.minimum, max: schema.maximum }
          : { maxLength: 'maxLength' in schema ? schema.maxLength : undefined }
      }
      InputLabelProps={{ shrink: true }}
      onChange={event => props.onChange(parse(schema, event.target.value))}
    />
  );
}

function DryRunCheck(props: {
  api: TenantJobsApi;
  type: TenantJobType;
  value: TenantJobPickerValue;
  disabled: boolean;
}) {
  const { api, type, value } = props;
  const [verdict, setVerdict] = useState<
    { ok: boolean; message: string } | undefined
  >();
  const [checking, setChecking] = useState(false);
  useEffect(() => setVerdict(undefined), [value]);
  const check = async () => {
    setChecking(true);
    try {
      const result = await api.dryRun({
        tenantId: value.tenantId!,
        jobType: type.id,
        tier: value.tier,
        priority: value.priority,
        parameters: cleanParameters(value.parameters),
      });
      setVerdict({
        ok: true,
        message: `${result.message} (checked by the ${result.checkedBy})`,
      });
    } catch (error) {
      setVerdict({ ok: false, message: (error as Error).message });
    } finally {
      setChecking(false);
    }
  };
  return (
    <Box mt={1}>
      <Button
        variant="outlined"
        size="small"
        disabled={props.disabled || checking}
        onClick={check}
      >
        Check with a dry run
      </Button>
      {verdict && (
        <Box mt={1}>
          <Alert severity={verdict.ok ? 'success' : 'error'}>
            {verdict.message}
          </Alert>
        </Box>
      )}
    </Box>
  );
}

function planLimits(tenant: TenantSummary): string {
  const { plan } = tenant;
  return `plan ${plan.id}: up to ${plan.maxTier}, priority up to ${
    plan.maxPriority ?? 'high'
  }`;
}

/**
 * The scaffolder field of a tenant job: the caller's tenants (those whose
 * plan may run the template's job type), the tiers and priorities the
 * chosen tenant's plan allows, and the job type's own parameters, all read
 * from the Tenant Jobs API, so templates repeat none of it. Its value is
 * `{ tenantId, tier, priority, parameters }`.
 *
 * `ui:options`: `jobType` (required), `defaults` (starting parameter values).
 *
 * @public
 */
export function TenantJobPicker(
  props: FieldExtensionComponentProps<
    TenantJobPickerValue,
    TenantJobPickerUiOptions
  >,
) {
  const { formData, onChange, uiSchema, rawErrors, schema, disabled } = props;
  const options: TenantJobPickerUiOptions = uiSchema?.['ui:options'] ?? {};
  const baseId = props.idSchema?.$id ?? 'tenant-jobs-run';
  const api = useTenantJobsApi();
  const loaded = useAsync(async () => {
    const [types, tenants] = await Promise.all([
      api.getJobTypes(),
      api.getTenants(),
    ]);
    return { types, tenants };
  }, [api]);
  const type = loaded.value?.types.find(t => t.id === options.jobType);
  const tenants = useMemo(() => loaded.value?.tenants ?? [], [loaded.value]);
  const value: TenantJobPickerValue = useMemo(() => formData ?? {}, [formData]);

  // Start from the only eligible tenant, the plan's defaults and the
  // type's default parameters; keep what the user already chose.
  useEffect(() => {
    if (!type) return;
    const start = initialValue(type, tenants, options, formData ?? {});
    if (JSON.stringify(start) !== JSON.stringify(formData ?? {})) {
      onChange(start);
    }
    // Only once the type and tenants are known.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [type, tenants]);

  const header = (
    <>
      {schema?.title && <Typography variant="h6">{schema.title}</Typography>}
      {schema?.description && (
        <Typography variant="body2" color="textSecondary">
          {schema.description}
        </Typography>
      )}
    </>
  );

  if (loaded.loading) {
    return (
      <Box mb={2}>
        {header}
        <LinearProgress />
      </Box>
    );
  }
  if (loaded.error) {
    return (
      <Box mb={2}>
        {header}
        <Alert severity="error">
          Could not load your tenants and the job types: {loaded.error.message}
        </Alert>
      </Box>
    );
  }
  if (!type) {
    return (
      <Box mb={2}>
        {header}
        <Alert severity="error">
          This template launches the job type '{options.jobType ?? '(none)'}',
          which this portal does not offer.
        </Alert>
      </Box>
    );
  }
  const choices = tenantChoices(type, tenants);
  const eligible = choices.filter(c => !c.refusal);
  if (eligible.length === 0) {
    return (
      <Box mb={2}>
        {header}
        <Alert severity="warning">
          {choices.length === 0
            ? `You are not a member of any tenant, so you cannot launch a ${type.title} job.`
            : `None of your tenants may run a ${type.title} job: ${choices
                .map(c => `${c.tenant.title ?? c.tenant.id}: ${c.refusal}`)
                .join('; ')}.`}
        </Alert>
      </Box>
    );
  }

  const tenant = tenants.find(t => t.id === value.tenantId);
  const problems = parameterProblems(
    type.parameterSchema,
    value.parameters ?? {},
  );
  const shownProblems = rawErrors?.length ? problems : {};
  const required = new Set(type.parameterSchema.required ?? []);
  const set = (next: TenantJobPickerValue) => onChange(next);
  const setParameter = (name: string, parameter: unknown) =>
    set({
      ...value,
      parameters: { ...value.parameters, [name]: parameter },
    });

  return (
    <Box mb={2}>
      {header}
      <Typography variant="body2" color="textSecondary" gutterBottom>
        {type.title}: {type.description}
      </Typography>
      <Grid container spacing={2}>
        <Grid item xs={12} md={4}>
          <TextField
            id={`${baseId}-tenant`}
            select
            fullWidth
            required
            label="Tenant"
            value={value.tenantId ?? ''}
            disabled={disabled}
            error={Boolean(rawErrors?.length) && !value.tenantId}
            helperText={
              tenant ? planLimits(tenant) : 'The tenant the job runs for'
            }
            SelectProps={{ native: true }}
            InputLabelProps={{ shrink: true }}
            onChange={event =>
              set(
                withTenant(type, tenants, {
                  ...value,
                  tenantId: event.target.value || undefined,
                }),
              )
            }
          >
            <option value="">Choose a tenant</option>
            {choices.map(({ tenant: t, refusal }) => (
              <option key={t.id} value={t.id} disabled={Boolean(refusal)}>
                {`${t.title ?? t.id}${refusal ? ' (not on its plan)' : ''}`}
              </option>
            ))}
          </TextField>
        </Grid>
        <Grid item xs={12} md={4}>
          <TextField
            id={`${baseId}-tier`}
            select
            fullWidth
            label="Tier"
            value={value.tier ?? ''}
            disabled={disabled || !tenant}
            helperText="CPU, memory and GPUs of the job"
            SelectProps={{ native: true }}
            InputLabelProps={{ shrink: true }}
            onChange={event =>
              set({ ...value, tier: (event.target.value || undefined) as any })
            }
          >
            {(tenant ? tiersFor(type, tenant) : []).map(id => (
              <option key={id} value={id}>
                {tierLabel(id)}
              </option>
            ))}
          </TextField>
        </Grid>
        <Grid item xs={12} md={4}>
          <TextField
            id={`${baseId}-priority`}
            select
            fullWidth
            label="Priority"
            value={value.priority ?? ''}
            disabled={disabled || !tenant}
            helperText="Which jobs the cluster starts first"
            SelectProps={{ native: true }}
            InputLabelProps={{ shrink: true }}
            onChange={event =>
              set({
                ...value,
                priority: (event.target.value || undefined) as any,
              })
            }
          >
            {(tenant ? prioritiesFor(tenant) : []).map(id => (
              <option key={id} value={id}>
                {getPriority(id).title}
              </option>
            ))}
          </TextField>
        </Grid>
        {Object.entries(type.parameterSchema.properties).map(
          ([name, parameter]) => (
            <Grid item xs={12} md={6} key={name}>
              <ParameterInput
                id={`${baseId}-parameters-${name}`}
                name={name}
                schema={parameter}
                required={required.has(name)}
                value={value.parameters?.[name]}
                problem={shownProblems[name]}
                disabled={disabled}
                onChange={answer => setParameter(name, answer)}
              />
            </Grid>
          ),
        )}
      </Grid>
      <DryRunCheck
        api={api}
        type={type}
        value={value}
        disabled={
          Boolean(disabled) ||
          !value.tenantId ||
          Object.keys(problems).length > 0
        }
      />
      {rawErrors?.map(error => (
        <FormHelperText key={error} error>
          {error}
        </FormHelperText>
      ))}
    </Box>
  );
}
