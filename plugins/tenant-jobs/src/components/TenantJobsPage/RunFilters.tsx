import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import InputAdornment from '@material-ui/core/InputAdornment';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import SearchIcon from '@material-ui/icons/Search';
import {
  PRIORITY_IDS,
  PriorityId,
  RUN_STATUSES,
  RunStatus,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { useState } from 'react';
import type { TenantJobsFilter } from '../../api';
import { ScheduleFilterChip } from '../Schedules/ScheduleFilterChip';

export const TIME_RANGES = [
  { id: 'any', label: 'Any time', hours: 0 },
  { id: '24h', label: 'Last 24 hours', hours: 24 },
  { id: '7d', label: 'Last 7 days', hours: 7 * 24 },
  { id: '30d', label: 'Last 30 days', hours: 30 * 24 },
];

/** The page's filters: the API's, plus the time range they were set from. */
export type PageFilter = TenantJobsFilter & { range: string };

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f-]{27,}$/i;

/** A search: a run id opens that run, anything else is a submitter. */
export function interpretSearch(
  text: string,
): { runId: string } | { submittedBy: string } | undefined {
  const value = text.trim();
  if (!value) return undefined;
  if (RUN_ID.test(value)) return { runId: value.toLowerCase() };
  return {
    submittedBy: value.includes(':')
      ? value
      : `user:default/${value.toLowerCase()}`,
  };
}

function MultiSelect<T extends string>(props: {
  label: string;
  options: Array<{ value: T; label: string }>;
  value: T[] | undefined;
  onChange(value: T[] | undefined): void;
}) {
  return (
    <TextField
      select
      size="small"
      variant="outlined"
      id={`filter-${props.label.toLowerCase().replace(/\W+/g, '-')}`}
      label={props.label}
      style={{ minWidth: 160 }}
      value={props.value ?? []}
      SelectProps={{
        multiple: true,
        renderValue: selected =>
          (selected as T[]).length === 0 ? 'All' : (selected as T[]).join(', '),
        displayEmpty: true,
      }}
      InputLabelProps={{ shrink: true }}
      onChange={event => {
        const value = event.target.value as unknown as T[];
        props.onChange(value.length ? value : undefined);
      }}
    >
      {props.options.map(option => (
        <MenuItem key={option.value} value={option.value}>
          {option.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

/**
 * Filters of the page: tenant, status, job type, priority, time range,
 * and a search for a run id (opens it) or a submitter; a removable chip
 * when only one schedule's runs are shown.
 */
export function RunFilters(props: {
  filter: PageFilter;
  tenants: Array<{ id: string; title?: string }>;
  jobTypes: Array<{ id: string; title: string }>;
  onChange(filter: PageFilter): void;
  onOpenRun(runId: string): void;
}) {
  const { filter, onChange } = props;
  const [search, setSearch] = useState('');
  const set = (next: Partial<PageFilter>) => onChange({ ...filter, ...next });

  return (
    <Box
      display="flex"
      flexWrap="wrap"
      gridGap={12}
      alignItems="center"
      marginBottom={2}
      role="search"
      aria-label="Filter runs"
    >
      <MultiSelect
        label="Tenant"
        options={props.tenants.map(t => ({
          value: t.id,
          label: t.title ?? t.id,
        }))}
        value={filter.tenant}
        onChange={tenant => set({ tenant })}
      />
      <MultiSelect<RunStatus>
        label="Status"
        options={RUN_STATUSES.map(s => ({ value: s, label: s }))}
        value={filter.status}
        onChange={status => set({ status })}
      />
      <MultiSelect
        label="Job type"
        options={props.jobTypes.map(t => ({ value: t.id, label: t.title }))}
        value={filter.type}
        onChange={type => set({ type })}
      />
      <MultiSelect<PriorityId>
        label="Priority"
        options={PRIORITY_IDS.map(p => ({ value: p, label: p }))}
        value={filter.priority}
        onChange={priority => set({ priority })}
      />
      <TextField
        select
        size="small"
        variant="outlined"
        id="filter-submitted"
        label="Submitted"
        value={filter.range}
        style={{ minWidth: 150 }}
        onChange={event => {
          const range = TIME_RANGES.find(r => r.id === event.target.value)!;
          set({
            range: range.id,
            from: range.hours
              ? new Date(Date.now() - range.hours * 3_600_000).toISOString()
              : undefined,
          });
        }}
      >
        {TIME_RANGES.map(range => (
          <MenuItem key={range.id} value={range.id}>
            {range.label}
          </MenuItem>
        ))}
      </TextField>
      <form
        onSubmit={event => {
          event.preventDefault();
          const found = interpretSearch(search);
          if (found && 'runId' in found) props.onOpenRun(found.runId);
          else if (found) set({ submittedBy: found.submittedBy });
          setSearch('');
        }}
      >
        <TextField
          size="small"
          variant="outlined"
          id="filter-search"
          label="Search"
          placeholder="Run id or user"
          value={search}
          onChange={event => setSearch(event.target.value)}
          InputProps={{
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          }}
        />
      </form>
      {filter.submittedBy && (
        <Chip
          label={`Submitted by ${filter.submittedBy}`}
          onDelete={() => set({ submittedBy: undefined })}
        />
      )}
      {filter.scheduleId && (
        <ScheduleFilterChip
          scheduleId={filter.scheduleId}
          onRemove={() => set({ scheduleId: undefined })}
        />
      )}
    </Box>
  );
}
