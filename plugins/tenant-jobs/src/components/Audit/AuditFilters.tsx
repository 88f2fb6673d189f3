import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useEffect, useState } from 'react';
import type { AuditAction, AuditFilter, AuditOutcome } from '../../api';
import {
  actorRef,
  AUDIT_ACTION_LABELS,
  AUDIT_OUTCOME_LABELS,
  isoOfLocal,
} from './auditWords';

/** The filters as the form holds them: '' is any. */
export interface AuditFilterValues {
  tenantId: string;
  action: AuditAction | '';
  actor: string;
  outcome: AuditOutcome | '';
  /** `datetime-local` values, in the user's time zone. */
  from: string;
  to: string;
}

export const NO_AUDIT_FILTER: AuditFilterValues = {
  tenantId: '',
  action: '',
  actor: '',
  outcome: '',
  from: '',
  to: '',
};

/** The filters as the API takes them. */
export function auditFilterOf(values: AuditFilterValues): AuditFilter {
  return {
    tenantId: values.tenantId ? [values.tenantId] : undefined,
    action: values.action ? [values.action] : undefined,
    actor: actorRef(values.actor),
    outcome: values.outcome ? [values.outcome] : undefined,
    from: isoOfLocal(values.from),
    to: isoOfLocal(values.to),
  };
}

function Select(props: {
  id: string;
  label: string;
  value: string;
  allLabel: string;
  options: Array<{ value: string; label: string }>;
  onChange(value: string): void;
}) {
  return (
    <TextField
      select
      size="small"
      variant="outlined"
      id={props.id}
      label={props.label}
      value={props.value}
      style={{ minWidth: 180 }}
      SelectProps={{ displayEmpty: true }}
      InputLabelProps={{ shrink: true }}
      onChange={event => props.onChange(event.target.value)}
    >
      <MenuItem value="">{props.allLabel}</MenuItem>
      {props.options.map(option => (
        <MenuItem key={option.value} value={option.value}>
          {option.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

/**
 * Filters of the audit trail: tenant, action, actor (a user name or an
 * entity ref, applied on Enter or on leaving the field), outcome, and a
 * time range in the user's time zone.
 */
export function AuditFilters(props: {
  values: AuditFilterValues;
  tenants: Array<{ id: string; title?: string }>;
  onChange(values: AuditFilterValues): void;
}) {
  const { values } = props;
  const [actor, setActor] = useState(values.actor);
  useEffect(() => setActor(values.actor), [values.actor]);
  const set = (next: Partial<AuditFilterValues>) =>
    props.onChange({ ...values, ...next });
  const applyActor = () => {
    if (actor !== values.actor) set({ actor });
  };

  return (
    <Box
      display="flex"
      flexWrap="wrap"
      gridGap={12}
      alignItems="center"
      marginBottom={2}
      role="search"
      aria-label="Filter audit events"
    >
      <Select
        id="audit-tenant"
        label="Tenant"
        allLabel="All tenants"
        value={values.tenantId}
        options={props.tenants.map(t => ({
          value: t.id,
          label: t.title ?? t.id,
        }))}
        onChange={tenantId => set({ tenantId })}
      />
      <Select
        id="audit-action"
        label="Action"
        allLabel="All actions"
        value={values.action}
        options={Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => ({
          value,
          label,
        }))}
        onChange={action => set({ action: action as AuditAction | '' })}
      />
      <form
        onSubmit={event => {
          event.preventDefault();
          applyActor();
        }}
      >
        <TextField
          size="small"
          variant="outlined"
          id="audit-actor"
          label="Actor"
          placeholder="User name or entity ref"
          value={actor}
          onChange={event => setActor(event.target.value)}
          onBlur={applyActor}
          InputLabelProps={{ shrink: true }}
        />
      </form>
      <Select
        id="audit-outcome"
        label="Outcome"
        allLabel="All outcomes"
        value={values.outcome}
        options={Object.entries(AUDIT_OUTCOME_LABELS).map(([value, label]) => ({
          value,
          label,
        }))}
        onChange={outcome => set({ outcome: outcome as AuditOutcome | '' })}
      />
      <TextField
        size="small"
        variant="outlined"
        type="datetime-local"
        id="audit-from"
        label="From"
        value={values.from}
        InputLabelProps={{ shrink: true }}
        onChange={event => set({ from: event.target.value })}
      />
      <TextField
        size="small"
        variant="outlined"
        type="datetime-local"
        id="audit-to"
        label="To"
        value={values.to}
        InputLabelProps={{ shrink: true }}
        onChange={event => set({ to: event.target.value })}
      />
      <Button
        size="small"
        onClick={() => props.onChange(NO_AUDIT_FILTER)}
        disabled={JSON.stringify(values) === JSON.stringify(NO_AUDIT_FILTER)}
      >
        Clear filters
      </Button>
    </Box>
  );
}
