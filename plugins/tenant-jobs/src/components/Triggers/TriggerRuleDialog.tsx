import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Grid from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import DeleteIcon from '@material-ui/icons/Delete';
import type {
  PriorityId,
  TenantJobTrigger,
  TierId,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { useState } from 'react';
import {
  tenantJobsApiRef,
  TenantJobTriggerTopic,
  TenantSummary,
} from '../../api';
import { useJobCatalog } from '../../hooks/useTenantJobsCatalog';
import { ErrorNotice } from '../common/ErrorNotice';
import {
  defaultPriority,
  defaultTier,
  jobTypeOptions,
  priorityOptions,
  tierOptions,
} from '../LaunchDialog/launchOptions';
import {
  FilterRow,
  filterOf,
  ParameterRow,
  parametersOf,
  rowProblems,
} from './triggerRuleForm';

const EXPLANATION_ID = 'trigger-rule-explanation';

/** What a topic's scope means for a rule. */
function scopeInWords(topic: TenantJobTriggerTopic): string {
  return topic.scope === 'tenant'
    ? `Only the tenant's own events: its id is read at payload ${
        topic.tenantPath ?? ''
      }`.trim()
    : "Shared: every tenant's rules hear each event";
}

/**
 * Creates a trigger rule: tenant, topic (with what it carries), job type,
 * tier and priority within the plan, the filter's conditions and where
 * each job parameter comes from, with how the filter and the mapping work.
 */
export function TriggerRuleDialog(props: {
  open: boolean;
  /** The tenants a rule may be made for (the user's). */
  tenants: TenantSummary[];
  topics: TenantJobTriggerTopic[];
  entityRef?: string;
  onClose(): void;
  onCreated(rule: TenantJobTrigger): void;
}) {
  const api = useApi(tenantJobsApiRef);
  const catalog = useJobCatalog();
  const [tenantId, setTenantId] = useState(props.tenants[0]?.id ?? '');
  const [topicName, setTopicName] = useState(props.topics[0]?.topic ?? '');
  const [jobTypeId, setJobTypeId] = useState<string>();
  const [tier, setTier] = useState<TierId>();
  const [priority, setPriority] = useState<PriorityId>();
  const [filter, setFilter] = useState<FilterRow[]>([]);
  const [parameters, setParameters] = useState<ParameterRow[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const titleId = 'trigger-rule-title';

  const tenant = props.tenants.find(t => t.id === tenantId) ?? props.tenants[0];
  const allowed = tenant
    ? jobTypeOptions(catalog.value?.jobTypes ?? [], tenant)
        .filter(option => !option.refusal)
        .map(option => option.type)
    : [];
  const jobType = allowed.find(t => t.id === jobTypeId) ?? allowed[0];
  const tiers = jobType && tenant ? tierOptions(jobType, tenant) : [];
  const priorities = tenant ? priorityOptions(tenant) : [];
  const chosenTier =
    tier && tiers.includes(tier)
      ? tier
      : jobType && defaultTier(jobType, tiers);
  const chosenPriority =
    priority && priorities.includes(priority)
      ? priority
      : defaultPriority(priorities);
  const topic = props.topics.find(t => t.topic === topicName);
  const problems = rowProblems(filter, parameters);
  const hasProblems =
    Object.keys(problems.filter).length > 0 ||
    Object.keys(problems.parameters).length > 0;
  const parameterNames = Object.keys(jobType?.parameterSchema.properties ?? {});
  const required = jobType?.parameterSchema.required ?? [];

  const create = async () => {
    if (!tenant || !jobType || !topic || hasProblems) return;
    setBusy(true);
    setError(undefined);
    try {
      const rule = await api.createTrigger({
        tenantId: tenant.id,
        jobType: jobType.id,
        tier: chosenTier,
        priority: chosenPriority,
        topic: topic.topic,
        filter: filterOf(filter),
        parameters: parametersOf(parameters),
        ...(props.entityRef ? { entityRef: props.entityRef } : {}),
      });
      props.onCreated(rule);
      props.onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const setFilterRow = (index: number, next: Partial<FilterRow>) =>
    setFilter(rows =>
      rows.map((row, i) => (i === index ? { ...row, ...next } : row)),
    );
  const setParameterRow = (index: number, next: Partial<ParameterRow>) =>
    setParameters(rows =>
      rows.map((row, i) => (i === index ? { ...row, ...next } : row)),
    );

  let body;
  if (catalog.error) {
    body = (
      <ErrorNotice
        error={catalog.error}
        what="load the job types"
        onRetry={catalog.retry}
      />
    );
  } else if (!catalog.value) {
    body = <Progress />;
  } else {
    body = (
      <Grid container spacing={2}>
        <Grid item xs={12}>
          <Typography variant="body2" id={EXPLANATION_ID}>
            A trigger rule launches a job when an event arrives on a topic. The{' '}
            <strong>filter</strong> picks the events: each condition names a
            dotted path into the event's payload (e.g.{' '}
            <code>repository.name</code>) and the value found there must equal;
            an event must meet every condition, and a rule without conditions
            takes every event. The <strong>parameters</strong> say where each of
            the job's parameters comes from: a path in the payload (e.g.{' '}
            <code>repository.url</code>) or a constant. Each launch runs as you,
            the rule's owner, within the tenant's plan, quota and queue; an
            event it cannot launch is counted as dropped, with the reason.
          </Typography>
        </Grid>
        {props.tenants.length > 1 && (
          <Grid item xs={12} sm={6}>
            <TextField
              select
              fullWidth
              id="trigger-tenant"
              label="Tenant"
              value={tenant?.id ?? ''}
              onChange={event => setTenantId(event.target.value)}
            >
              {props.tenants.map(t => (
                <MenuItem key={t.id} value={t.id}>
                  {t.title ?? t.id}
                </MenuItem>
              ))}
            </TextField>
          </Grid>
        )}
        <Grid item xs={12} sm={props.tenants.length > 1 ? 6 : 12}>
          <TextField
            select
            fullWidth
            required
            id="trigger-topic"
            label="Topic"
            value={topic?.topic ?? ''}
            onChange={event => setTopicName(event.target.value)}
            helperText={
              topic &&
              [topic.description, scopeInWords(topic)]
                .filter(Boolean)
                .join('. ')
            }
            SelectProps={{ renderValue: value => String(value) }}
          >
            {props.topics.map(t => (
              <MenuItem key={t.topic} value={t.topic}>
                <ListItemText primary={t.topic} secondary={t.description} />
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid item xs={12} sm={4}>
          <TextField
            select
            fullWidth
            required
            id="trigger-job-type"
            label="Job type"
            value={jobType?.id ?? ''}
            onChange={event => {
              setJobTypeId(event.target.value);
              setTier(undefined);
              setParameters([]);
            }}
            helperText={
              tenant && allowed.length === 0
                ? `Plan ${tenant.plan.id} allows none of the job types`
                : jobType?.description
            }
          >
            {allowed.map(type => (
              <MenuItem key={type.id} value={type.id}>
                {type.title}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid item xs={12} sm={4}>
          <TextField
            select
            fullWidth
            id="trigger-tier"
            label="Tier"
            value={chosenTier ?? ''}
            onChange={event => setTier(event.target.value as TierId)}
            helperText={
              tenant && `Up to ${tenant.plan.maxTier} on plan ${tenant.plan.id}`
            }
          >
            {tiers.map(id => (
              <MenuItem key={id} value={id}>
                {id}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid item xs={12} sm={4}>
          <TextField
            select
            fullWidth
            id="trigger-priority"
            label="Priority"
            value={chosenPriority ?? ''}
            onChange={event => setPriority(event.target.value as PriorityId)}
          >
            {priorities.map(id => (
              <MenuItem key={id} value={id}>
                {id}
              </MenuItem>
            ))}
          </TextField>
        </Grid>

        <Grid item xs={12}>
          <Typography variant="subtitle2" component="h3">
            Filter
          </Typography>
          <Typography variant="body2" color="textSecondary">
            Values <code>true</code>, <code>false</code> and numbers match as
            such; anything else as text.
          </Typography>
        </Grid>
        {filter.map((row, index) => {
          const n = index + 1;
          return (
            <Grid item xs={12} key={`filter-${index}`}>
              <Box display="flex" gridGap={8} alignItems="flex-start">
                <TextField
                  fullWidth
                  size="small"
                  id={`trigger-filter-path-${n}`}
                  label={`Condition ${n} path`}
                  placeholder="repository.name"
                  value={row.path}
                  error={Boolean(problems.filter[index])}
                  helperText={problems.filter[index]}
                  onChange={event =>
                    setFilterRow(index, { path: event.target.value })
                  }
                />
                <TextField
                  fullWidth
                  size="small"
                  id={`trigger-filter-value-${n}`}
                  label={`Condition ${n} value`}
                  placeholder="acme-warehouse-etl"
                  value={row.value}
                  onChange={event =>
                    setFilterRow(index, { value: event.target.value })
                  }
                />
                <IconButton
                  size="small"
                  aria-label={`Remove condition ${n}`}
                  onClick={() =>
                    setFilter(rows => rows.filter((_, i) => i !== index))
                  }
                >
                  <DeleteIcon fontSize="small" />
                </IconButton>
              </Box>
            </Grid>
          );
        })}
        <Grid item xs={12}>
          <Button
            size="small"
            color="primary"
            onClick={() =>
              setFilter(rows => [...rows, { path: '', value: '' }])
            }
          >
            Add condition
          </Button>
        </Grid>

        <Grid item xs={12}>
          <Typography variant="subtitle2" component="h3">
            Parameters
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {required.length > 0
              ? `${jobType?.title} needs ${required.join(
                  ', ',
                )}: map them here unless they have a default. `
              : ''}
            A constant is read as JSON when it is JSON (<code>42</code>,{' '}
            <code>true</code>, <code>["a"]</code>), else as text.
          </Typography>
        </Grid>
        {parameters.map((row, index) => {
          const n = index + 1;
          return (
            <Grid item xs={12} key={`parameter-${index}`}>
              <Box display="flex" gridGap={8} alignItems="flex-start">
                <TextField
                  select
                  fullWidth
                  size="small"
                  id={`trigger-parameter-name-${n}`}
                  label={`Parameter ${n} name`}
                  value={row.name}
                  error={Boolean(problems.parameters[index])}
                  helperText={problems.parameters[index]}
                  onChange={event =>
                    setParameterRow(index, { name: event.target.value })
                  }
                >
                  {parameterNames.map(name => (
                    <MenuItem key={name} value={name}>
                      {name}
                      {required.includes(name) ? ' (required)' : ''}
                    </MenuItem>
                  ))}
                </TextField>
                <TextField
                  select
                  fullWidth
                  size="small"
                  id={`trigger-parameter-source-${n}`}
                  label={`Parameter ${n} source`}
                  value={row.source}
                  onChange={event =>
                    setParameterRow(index, {
                      source: event.target.value as ParameterRow['source'],
                    })
                  }
                >
                  <MenuItem value="from">From the event's payload</MenuItem>
                  <MenuItem value="value">A constant</MenuItem>
                </TextField>
                <TextField
                  fullWidth
                  size="small"
                  id={`trigger-parameter-text-${n}`}
                  label={
                    row.source === 'from'
                      ? `Parameter ${n} payload path`
                      : `Parameter ${n} constant`
                  }
                  placeholder={
                    row.source === 'from' ? 'repository.url' : 'full'
                  }
                  value={row.text}
                  onChange={event =>
                    setParameterRow(index, { text: event.target.value })
                  }
                />
                <IconButton
                  size="small"
                  aria-label={`Remove parameter ${n}`}
                  onClick={() =>
                    setParameters(rows => rows.filter((_, i) => i !== index))
                  }
                >
                  <DeleteIcon fontSize="small" />
                </IconButton>
              </Box>
            </Grid>
          );
        })}
        <Grid item xs={12}>
          <Button
            size="small"
            color="primary"
            disabled={parameterNames.length === 0}
            onClick={() =>
              setParameters(rows => [
                ...rows,
                { name: '', source: 'from', text: '' },
              ])
            }
          >
            Add parameter
          </Button>
        </Grid>
        {error !== undefined && (
          <Grid item xs={12}>
            <ErrorNotice error={error} what="create the trigger rule" />
          </Grid>
        )}
      </Grid>
    );
  }

  return (
    <Dialog
      open={props.open}
      onClose={busy ? undefined : props.onClose}
      aria-labelledby={titleId}
      aria-describedby={catalog.value ? EXPLANATION_ID : undefined}
      maxWidth="md"
      fullWidth
    >
      <DialogTitle id={titleId}>New trigger rule</DialogTitle>
      <DialogContent dividers>{body}</DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          variant="contained"
          color="primary"
          disabled={busy || !jobType || !topic || hasProblems}
          onClick={create}
        >
          Create rule
        </Button>
      </DialogActions>
    </Dialog>
  );
}
