import { EmptyState, InfoCard } from '@backstage/core-components';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import { TENANT_JOBS_ANNOTATIONS } from '@tenant-jobs/plugin-tenant-jobs-common';
import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import { useState } from 'react';
import { useLiveUpdates } from '../../hooks/useLiveUpdates';
import { useJobTypeTitles, useTenants } from '../../hooks/useTenantJobsCatalog';
import { tenantIdOf } from '../../isTenantJobsAvailable';
import { LazyRunDetailView, LazyStatsCharts } from '../common/lazyViews';
import { LaunchedNotice } from '../common/LaunchedNotice';
import { useSelectedRun } from '../common/RunLink';
import { ClusterOutageBanner } from '../ClusterOutage/ClusterOutageBanner';
import { LazyLaunchDialog } from '../LaunchDialog/LazyLaunchDialog';
import { QuotaBars } from '../QuotaBars/QuotaBars';
import { LiveRunsTable } from '../RunsTable/LiveRunsTable';
import { UsagePanel } from '../Usage/UsagePanel';
import { ConfigurationBackup } from '../Configuration/ConfigurationBackup';
import { ScheduledNotice } from '../Schedules/ScheduledNotice';
import { ScheduleFilterChip } from '../Schedules/ScheduleFilterChip';
import { SchedulesPanel } from '../Schedules/SchedulesPanel';
import { TriggersPanel } from '../Triggers/TriggersPanel';
import type { TenantJobScheduleWithLastRun } from '../../api';
import { NotMemberNotice } from './NotMemberNotice';

/** The runs card, scrolled to when a schedule's runs are asked for. */
const RUNS_CARD_ID = 'tenant-jobs-entity-runs';

function EntityJobs(props: { entity: Entity; tenantId: string }) {
  const { entity, tenantId } = props;
  const entityRef = stringifyEntityRef(entity);
  const name = entity.metadata.title ?? entity.metadata.name;
  const selected = useSelectedRun();
  const tenants = useTenants();
  const titles = useJobTypeTitles();
  const [launching, setLaunching] = useState(false);
  const [launched, setLaunched] = useState<TenantJobRun>();
  const [listKey, setListKey] = useState(0);
  // Schedules and rules: the runs one schedule created, a schedule just
  // made, and a key that reads the panels again after a launch or restore.
  const [scheduleId, setScheduleId] = useState<string>();
  const [scheduled, setScheduled] = useState<TenantJobScheduleWithLastRun>();
  const [panelsKey, setPanelsKey] = useState(0);
  // The quota is what running jobs use now: read it again as runs change.
  useLiveUpdates({
    tenantIds: [tenantId],
    active: false,
    onChange: tenants.retry,
  });
  const tenant = tenants.value?.find(t => t.id === tenantId);
  const notMember = Boolean(tenants.value) && !tenant;
  // The tenant's schedules, rules, backup and usage: for its members only,
  // asked for once the user's tenants are known.
  const member = Boolean(tenant);

  if (selected.runId) {
    return (
      <LazyRunDetailView
        runId={selected.runId}
        onBack={selected.close}
        onOpenRun={selected.open}
        backLabel={`All jobs of ${name}`}
      />
    );
  }
  const launchButton = (
    <Button
      variant="contained"
      color="primary"
      disabled={!tenant}
      onClick={() => setLaunching(true)}
    >
      Launch a job
    </Button>
  );
  const owner = (entity.spec as { owner?: string } | undefined)?.owner;
  return (
    <>
      <ClusterOutageBanner tenantIds={[tenantId]} />
      <Grid container spacing={2}>
        {notMember && (
          <Grid item xs={12}>
            <NotMemberNotice tenantId={tenantId} owner={owner} />
          </Grid>
        )}
        {launched && (
          <Grid item xs={12}>
            <LaunchedNotice
              run={launched}
              title={titles[launched.jobType]}
              onClose={() => setLaunched(undefined)}
            />
          </Grid>
        )}
        {scheduled && (
          <Grid item xs={12}>
            <ScheduledNotice
              schedule={scheduled}
              title={titles[scheduled.jobType]}
              onClose={() => setScheduled(undefined)}
            />
          </Grid>
        )}
        <Grid item xs={12} id={RUNS_CARD_ID}>
          <InfoCard
            title="Jobs"
            subheader={`Runs launched from ${name} for tenant ${tenantId}, newest first`}
            action={launchButton}
          >
            {scheduleId && (
              <Box marginBottom={1}>
                <ScheduleFilterChip
                  scheduleId={scheduleId}
                  onRemove={() => setScheduleId(undefined)}
                />
              </Box>
            )}
            <LiveRunsTable
              key={listKey}
              filter={scheduleId ? { entityRef, scheduleId } : { entityRef }}
              tenantIds={[tenantId]}
              jobTypeTitles={titles}
              caption={`Jobs of ${name}`}
              empty={
                scheduleId ? (
                  <EmptyState
                    missing="data"
                    title="No runs of this schedule yet"
                    description="It has not started a run yet: its next starts are listed under Schedules. Remove the schedule filter to see every job again."
                  />
                ) : (
                  <EmptyState
                    missing="data"
                    title={notMember ? 'No jobs you may see' : 'No jobs yet'}
                    description={
                      notMember
                        ? `Jobs of tenant ${tenantId} are visible to its members only.`
                        : `Nothing has been launched from ${name} yet. Launch a job to see it here, with its status, logs and result.`
                    }
                    action={notMember ? undefined : launchButton}
                  />
                )
              }
            />
          </InfoCard>
        </Grid>
        {member && (
          <Grid item xs={12}>
            <SchedulesPanel
              key={`schedules-${panelsKey}`}
              tenantIds={[tenantId]}
              entityRef={entityRef}
              onShowRuns={id => {
                setScheduleId(id);
                document
                  .getElementById(RUNS_CARD_ID)
                  ?.scrollIntoView?.({ behavior: 'smooth' });
              }}
            />
          </Grid>
        )}
        {member && (
          <Grid item xs={12}>
            <TriggersPanel
              key={`triggers-${panelsKey}`}
              tenantIds={[tenantId]}
              entityRef={entityRef}
            />
          </Grid>
        )}
        {tenant && (
          <Grid item xs={12}>
            <ConfigurationBackup
              tenantIds={[tenantId]}
              onRestored={() => setPanelsKey(k => k + 1)}
            />
          </Grid>
        )}
        {tenant && (
          <Grid item xs={12}>
            <InfoCard
              title={`Quota of ${tenant.title ?? tenant.id}`}
              subheader={`Plan ${tenant.plan.id}: what the tenant's running jobs use now`}
            >
              <QuotaBars tenant={tenant} row />
            </InfoCard>
          </Grid>
        )}
        {member && (
          <Grid item xs={12}>
            <LazyStatsCharts filter={{ entityRef }} jobTypeTitles={titles} />
          </Grid>
        )}
        {member && (
          <Grid item xs={12}>
            <UsagePanel tenantIds={[tenantId]} />
          </Grid>
        )}
        <LazyLaunchDialog
          open={launching}
          tenantId={tenantId}
          entityRef={entityRef}
          onClose={() => setLaunching(false)}
          onLaunched={run => {
            setLaunched(run);
            setListKey(k => k + 1);
          }}
          onScheduled={schedule => {
            setScheduled(schedule);
            setPanelsKey(k => k + 1);
          }}
        />
      </Grid>
    </>
  );
}

/**
 * The Jobs tab of a catalog entity: the runs launched from it (live,
 * paged on the server, or those one schedule created), launching now or on
 * a schedule, its schedules and trigger rules, its tenant's configuration
 * backup, quota, trends by job type, and a run's detail view in place.
 * Needs the entity's `tenant-jobs.io/tenant-id` annotation.
 */
export function EntityTenantJobsContent() {
  const { entity } = useEntity();
  const tenantId = tenantIdOf(entity);
  if (!tenantId) {
    return (
      <MissingAnnotationEmptyState
        annotation={TENANT_JOBS_ANNOTATIONS.tenantId}
      />
    );
  }
  // A fresh view per entity: a schedule filter or notice of one entity
  // never carries over to the next.
  return (
    <EntityJobs
      key={stringifyEntityRef(entity)}
      entity={entity}
      tenantId={tenantId}
    />
  );
}
