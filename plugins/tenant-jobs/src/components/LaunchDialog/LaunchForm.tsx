import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Grid from '@material-ui/core/Grid';
import ListSubheader from '@material-ui/core/ListSubheader';
import MenuItem from '@material-ui/core/MenuItem';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { resolvePlanLimits } from '@tenant-jobs/plugin-tenant-jobs-common';
import type {
  Priority,
  PriorityId,
  Tier,
  TenantJobRun,
  TierId,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { useMemo, useRef, useState } from 'react';
import type {
  TenantJobScheduleWithLastRun,
  TenantJobsApi,
  TenantJobType,
  TenantSummary,
} from '../../api';
import { cronInWords } from '../Schedules/cronInWords';
import { ErrorNotice } from '../common/ErrorNotice';
import { DryRunOutcome, DryRunVerdictAlert } from './DryRunVerdictAlert';
import {
  defaultPriority,
  defaultTier,
  jobTypeOptions,
  newIdempotencyKey,
  priorityOptions,
  tierOptions,
} from './launchOptions';
import { ParametersForm, ParametersFormHandle } from './ParametersForm';
import {
  defaultScheduleChoice,
  ScheduleChoice,
  ScheduleFields,
  scheduleProblems,
} from './ScheduleFields';

/** Values a launch form can start with, e.g. a run to clone. */
export interface LaunchInitialValues {
  tenantId?: string;
  jobType?: string;
  tier?: TierId;
  priority?: PriorityId;
  parameters?: Record<string, unknown>;
}

type Choice = {
  tenantId: string;
  jobType?: string;
  tier?: TierId;
  priority?: PriorityId;
  parameters: Record<string, unknown>;
};

/** The launch form itself; {@link LaunchDialog} loads what it needs. */
export function LaunchForm(props: {
  api: TenantJobsApi;
  tenants: TenantSummary[];
  catalog: { jobTypes: TenantJobType[]; tiers: Tier[]; priorities: Priority[] };
  entityRef?: string;
  initial?: LaunchInitialValues;
  busy: boolean;
  setBusy(busy: boolean): void;
  onLaunched(run: TenantJobRun): void;
  /** Offers "Run on a schedule"; called with the schedule it created. */
  onScheduled?(schedule: TenantJobScheduleWithLastRun): void;
  onCancel(): void;
}) {
  const { api, tenants, catalog, initial } = props;
  const formRef = useRef<ParametersFormHandle>(null);
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [outcome, setOutcome] = useState<DryRunOutcome>();
  const [launchError, setLaunchError] = useState<unknown>();
  const [mode, setMode] = useState<'now' | 'schedule'>('now');
  const [when, setWhen] = useState<ScheduleChoice>(defaultScheduleChoice);
  const scheduling = mode === 'schedule' && Boolean(props.onScheduled);

  const [choice, setChoice] = useState<Choice>(() => {
    const tenant = tenants.find(t => t.id === initial?.tenantId) ?? tenants[0];
    const options = jobTypeOptions(catalog.jobTypes, tenant);
    const type =
      options.find(o => o.type.id === initial?.jobType && !o.refusal)?.type ??
      options.find(o => !o.refusal)?.type;
    const tiers = type ? tierOptions(type, tenant) : [];
    const priorities = priorityOptions(tenant);
    return {
      tenantId: tenant.id,
      jobType: type?.id,
      tier:
        initial?.tier && tiers.includes(initial.tier)
          ? initial.tier
          : type && defaultTier(type, tiers),
      priority:
        initial?.priority && priorities.includes(initial.priority)
          ? initial.priority
          : defaultPriority(priorities),
      parameters:
        type?.id === initial?.jobType ? initial?.parameters ?? {} : {},
    };
  });

  const tenant = tenants.find(t => t.id === choice.tenantId) ?? tenants[0];
  const typeOptions = useMemo(
    () => jobTypeOptions(catalog.jobTypes, tenant),
    [catalog.jobTypes, tenant],
  );
  const jobType = catalog.jobTypes.find(t => t.id === choice.jobType);
  const tiers = jobType ? tierOptions(jobType, tenant) : [];
  const priorities = priorityOptions(tenant);
  const tierTitle = (id: TierId) => {
    const tier = catalog.tiers.find(t => t.id === id);
    return tier
      ? `${tier.title}: ${tier.cpu} CPU, ${tier.memory}${
          tier.gpu ? `, ${tier.gpu} GPU` : ''
        }`
      : id;
  };
  const priorityTitle = (id: PriorityId) =>
    catalog.priorities.find(p => p.id === id)?.title ?? id;

  const change = (next: Partial<Choice>) => {
    setOutcome(undefined);
    setLaunchError(undefined);
    setChoice(previous => ({ ...previous, ...next }));
  };

  const chooseTenant = (tenantId: string) => {
    const next = tenants.find(t => t.id === tenantId)!;
    const options = jobTypeOptions(catalog.jobTypes, next);
    const keep = options.find(o => o.type.id === choice.jobType && !o.refusal);
    const type = keep?.type ?? options.find(o => !o.refusal)?.type;
    const nextTiers = type ? tierOptions(type, next) : [];
    const nextPriorities = priorityOptions(next);
    change({
      tenantId,
      jobType: type?.id,
      tier:
        choice.tier && nextTiers.includes(choice.tier)
          ? choice.tier
          : type && defaultTier(type, nextTiers),
      priority:
        choice.priority && nextPriorities.includes(choice.priority)
          ? choice.priority
          : defaultPriority(nextPriorities),
      parameters: keep ? choice.parameters : {},
    });
  };

  const chooseType = (id: string) => {
    const type = catalog.jobTypes.find(t => t.id === id)!;
    change({
      jobType: id,
      tier: defaultTier(type, tierOptions(type, tenant)),
      parameters: {},
    });
  };

  const request = () => ({
    tenantId: choice.tenantId,
    jobType: choice.jobType!,
    tier: choice.tier,
    priority: choice.priority,
    parameters: choice.parameters,
    ...(props.entityRef ? { entityRef: props.entityRef } : {}),
  });

  const run = async (dryRun: boolean) => {
    if (!choice.jobType || !formRef.current?.validateForm()) return;
    if (scheduling) {
      const problems = scheduleProblems(when);
      if (problems.cron || problems.timeZone) return;
    }
    props.setBusy(true);
    setLaunchError(undefined);
    try {
      if (dryRun) {
        setOutcome({ ok: true, verdict: await api.dryRun(request()) });
      } else if (scheduling) {
        props.onScheduled!(
          await api.createSchedule({
            ...request(),
            cron: when.cron.trim(),
            timeZone: when.timeZone.trim(),
            concurrencyPolicy: when.concurrencyPolicy,
          }),
        );
      } else {
        props.onLaunched(await api.launch({ ...request(), idempotencyKey }));
      }
    } catch (error) {
      if (dryRun) setOutcome({ ok: false, error });
      else setLaunchError(error);
    } finally {
      props.setBusy(false);
    }
  };

  const refused = typeOptions.filter(o => o.refusal);
  return (
    <>
      <DialogContent dividers>
        <Grid container spacing={2}>
          {props.onScheduled && (
            <Grid item xs={12}>
              <FormControl component="fieldset">
                <FormLabel component="legend">When</FormLabel>
                <RadioGroup
                  row
                  name="launch-when"
                  value={mode}
                  onChange={event => {
                    setOutcome(undefined);
                    setLaunchError(undefined);
                    setMode(event.target.value as 'now' | 'schedule');
                  }}
                >
                  <FormControlLabel
                    value="now"
                    control={<Radio color="primary" />}
                    label="Run now"
                    disabled={props.busy}
                  />
                  <FormControlLabel
                    value="schedule"
                    control={<Radio color="primary" />}
                    label="Run on a schedule"
                    disabled={props.busy}
                  />
                </RadioGroup>
              </FormControl>
            </Grid>
          )}
          {scheduling && (
            <ScheduleFields
              value={when}
              onChange={next => {
                setOutcome(undefined);
                setLaunchError(undefined);
                setWhen(next);
              }}
              planId={tenant.plan.id}
              maxSchedules={resolvePlanLimits(tenant.plan).maxSchedules}
              disabled={props.busy}
            />
          )}
          {tenants.length > 1 && (
            <Grid item xs={12} sm={6}>
              <TextField
                select
                fullWidth
                id="launch-tenant"
                label="Tenant"
                value={choice.tenantId}
                onChange={e => chooseTenant(e.target.value)}
                helperText={`Plan ${tenant.plan.id}`}
              >
                {tenants.map(t => (
                  <MenuItem key={t.id} value={t.id}>
                    {t.title ?? t.id}
                  </MenuItem>
                ))}
              </TextField>
            </Grid>
          )}
          <Grid item xs={12} sm={tenants.length > 1 ? 6 : 12}>
            <TextField
              select
              fullWidth
              id="launch-job-type"
              label="Job type"
              value={choice.jobType ?? ''}
              onChange={e => chooseType(e.target.value)}
              helperText={jobType?.description}
              inputProps={{ 'data-testid': 'job-type-select' }}
            >
              {typeOptions
                .filter(o => !o.refusal)
                .map(o => (
                  <MenuItem key={o.type.id} value={o.type.id}>
                    {o.type.title}
                  </MenuItem>
                ))}
              {refused.length > 0 && (
                <ListSubheader>Not in plan {tenant.plan.id}</ListSubheader>
              )}
              {refused.map(o => (
                <MenuItem key={o.type.id} value={o.type.id} disabled>
                  {o.type.title}
                </MenuItem>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={12} sm={6}>
            <TextField
              select
              fullWidth
              id="launch-tier"
              label="Tier"
              value={choice.tier ?? ''}
              onChange={e => change({ tier: e.target.value as TierId })}
              helperText={`Up to ${tenant.plan.maxTier} on plan ${tenant.plan.id}`}
            >
              {tiers.map(id => (
                <MenuItem key={id} value={id}>
                  {tierTitle(id)}
                </MenuItem>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={12} sm={6}>
            <TextField
              select
              fullWidth
              id="launch-priority"
              label="Priority"
              value={choice.priority ?? ''}
              onChange={e => change({ priority: e.target.value as PriorityId })}
              helperText={`Up to ${priorities[0] ?? '–'} on plan ${
                tenant.plan.id
              }`}
            >
              {priorities.map(id => (
                <MenuItem key={id} value={id}>
                  {priorityTitle(id)}
                </MenuItem>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={12}>
            {jobType ? (
              <Box data-testid="parameters-form">
                <Typography variant="subtitle2" component="h3">
                  Parameters of {jobType.title}
                </Typography>
                <ParametersForm
                  key={`${choice.tenantId}/${jobType.id}`}
                  ref={formRef}
                  schema={jobType.parameterSchema}
                  value={choice.parameters}
                  onChange={parameters => change({ parameters })}
                  disabled={props.busy}
                />
              </Box>
            ) : (
              <Typography>
                Plan {tenant.plan.id} allows none of the job types.
              </Typography>
            )}
          </Grid>
          {outcome && (
            <Grid item xs={12}>
              <DryRunVerdictAlert outcome={outcome} />
              {scheduling && outcome.ok && (
                <Typography variant="body2" data-testid="dry-run-schedule">
                  The schedule would start it{' '}
                  {lowerFirst(cronInWords(when.cron))} ({when.timeZone.trim()});
                  each start is judged again then.
                </Typography>
              )}
            </Grid>
          )}
          {launchError !== undefined && (
            <Grid item xs={12}>
              <ErrorNotice
                error={launchError}
                what={scheduling ? 'create the schedule' : 'launch the job'}
              />
            </Grid>
          )}
        </Grid>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel} disabled={props.busy}>
          Cancel
        </Button>
        <Button
          onClick={() => run(true)}
          disabled={props.busy || !jobType}
          variant="outlined"
          color="primary"
        >
          Dry run
        </Button>
        <Button
          onClick={() => run(false)}
          disabled={props.busy || !jobType}
          variant="contained"
          color="primary"
        >
          {scheduling ? 'Create schedule' : 'Launch'}
        </Button>
      </DialogActions>
    </>
  );
}

/** `Every day at 03:00` as `every day at 03:00`, to follow other words. */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
