import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  Page,
  Progress,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import { ReactNode, useState } from 'react';
import { useAdminTenants } from '../../hooks/useAdminTenants';
import { useLiveUpdates } from '../../hooks/useLiveUpdates';
import { useMe } from '../../hooks/useMe';
import { useJobCatalog, useTenants } from '../../hooks/useTenantJobsCatalog';
import { ErrorNotice } from '../common/ErrorNotice';
import { LazyRunDetailView } from '../common/lazyViews';
import { LaunchedNotice } from '../common/LaunchedNotice';
import { useSelectedRun } from '../common/RunLink';
import { ClusterOutageBanner } from '../ClusterOutage/ClusterOutageBanner';
import { LazyLaunchDialog } from '../LaunchDialog/LazyLaunchDialog';
import { AuditView } from '../Audit/AuditView';
import { PlatformView } from '../Platform/PlatformView';
import { UsagePanel } from '../Usage/UsagePanel';
import { ScheduledNotice } from '../Schedules/ScheduledNotice';
import { SchedulesAndTriggersTab } from './SchedulesAndTriggersTab';
import type { TenantJobScheduleWithLastRun } from '../../api';
import { PageTab, PageTabs, usePageView } from './PageTabs';
import { PageFilter } from './RunFilters';
import { RunsTab } from './RunsTab';

function Frame(props: { header: boolean; children: ReactNode }) {
  if (!props.header) return <Content>{props.children}</Content>;
  return (
    <Page themeId="tool">
      <Header
        title="Tenant Jobs"
        subtitle="Kubernetes batch jobs of every tenant you are a member of"
      />
      <Content>{props.children}</Content>
    </Page>
  );
}

/**
 * Every run the user may see, across their tenants, in tabs chosen by
 * `?view=`: Runs (filters, search and server-side pages; each tenant's
 * quota; charts per tenant), Schedules & triggers (with the tenants'
 * configuration backup), Usage (for chargeback) and Audit; for the
 * platform team every tenant's, and the Platform view (first for those of
 * no tenant). A run's detail view opens in place (`?run=<id>`).
 */
export function TenantJobsPage(props: {
  /** Render Backstage's page header (the new frontend system adds its own). */
  header?: boolean;
}) {
  const header = props.header ?? true;
  const selected = useSelectedRun();
  const page = usePageView();
  const me = useMe();
  const tenants = useTenants();
  const admin = me.value?.admin ?? false;
  const everyTenant = useAdminTenants(admin);
  const catalog = useJobCatalog();
  const [filter, setFilter] = useState<PageFilter>({ range: 'any' });
  const [launching, setLaunching] = useState(false);
  const [launched, setLaunched] = useState<TenantJobRun>();
  const [listKey, setListKey] = useState(0);
  const [scheduled, setScheduled] = useState<TenantJobScheduleWithLastRun>();
  const [schedulesKey, setSchedulesKey] = useState(0);
  // Quotas are what running jobs use now: read them again as runs change.
  useLiveUpdates({
    tenantIds: (tenants.value ?? []).map(t => t.id),
    active: false,
    onChange: tenants.retry,
  });
  const titles = Object.fromEntries(
    (catalog.value?.jobTypes ?? []).map(t => [t.id, t.title]),
  );

  if (selected.runId) {
    return (
      <Frame header={header}>
        <LazyRunDetailView
          runId={selected.runId}
          onBack={selected.close}
          onOpenRun={selected.open}
        />
      </Frame>
    );
  }
  const failed = tenants.error ?? me.error;
  if (failed) {
    return (
      <Frame header={header}>
        <ErrorNotice
          error={failed}
          what="load your tenants"
          onRetry={() => {
            if (tenants.error) tenants.retry();
            if (me.error) me.retry();
          }}
        />
      </Frame>
    );
  }
  if (!tenants.value || !me.value) {
    return (
      <Frame header={header}>
        <Progress />
      </Frame>
    );
  }
  const mine = tenants.value;
  if (mine.length === 0 && !admin) {
    return (
      <Frame header={header}>
        <EmptyState
          missing="info"
          title="You are not a member of any tenant"
          description="Tenant Jobs shows the jobs of the tenants whose groups you belong to. Ask the owners of a tenant group (a catalog Group annotated tenant-jobs.io/tenant-id) to add you."
        />
      </Frame>
    );
  }
  const listedTenants = admin ? everyTenant.value ?? mine : mine;

  const tabs: PageTab[] = [
    {
      id: 'runs',
      label: 'Runs',
      render: () => (
        <RunsTab
          filter={filter}
          onFilterChange={setFilter}
          onOpenRun={selected.open}
          tenants={mine}
          listedTenants={listedTenants}
          everyTenant={admin}
          jobTypes={catalog.value?.jobTypes ?? []}
          jobTypeTitles={titles}
          listKey={listKey}
        />
      ),
    },
    {
      id: 'schedules',
      label: 'Schedules & triggers',
      render: () => (
        <SchedulesAndTriggersTab
          // The platform team's: every tenant's (the backend's default for them).
          tenantIds={admin ? undefined : mine.map(t => t.id)}
          memberOf={mine.map(t => t.id)}
          refreshKey={schedulesKey}
          onShowRuns={scheduleId => {
            setFilter(previous => ({ ...previous, scheduleId }));
            page.show('runs');
          }}
        />
      ),
    },
    {
      id: 'usage',
      label: 'Usage',
      // The platform team's: every tenant's (the backend's default for them).
      render: () => (
        <UsagePanel tenantIds={admin ? undefined : mine.map(t => t.id)} />
      ),
    },
    {
      id: 'audit',
      label: 'Audit',
      render: () => <AuditView tenants={listedTenants} />,
    },
  ];
  if (admin) {
    const platform: PageTab = {
      id: 'platform',
      label: 'Platform',
      render: () => <PlatformView tenants={everyTenant} />,
    };
    // The platform team's members of no tenant start with it.
    if (mine.length === 0) tabs.unshift(platform);
    else tabs.push(platform);
  }

  return (
    <Frame header={header}>
      <ContentHeader title="Jobs">
        {mine.length > 0 && (
          <Button
            variant="contained"
            color="primary"
            onClick={() => setLaunching(true)}
          >
            Launch a job
          </Button>
        )}
      </ContentHeader>
      <ClusterOutageBanner />
      {scheduled && (
        <Box marginBottom={2}>
          <ScheduledNotice
            schedule={scheduled}
            title={titles[scheduled.jobType]}
            onClose={() => setScheduled(undefined)}
          />
        </Box>
      )}
      {launched && (
        <Box marginBottom={2}>
          <LaunchedNotice
            run={launched}
            title={titles[launched.jobType]}
            onClose={() => setLaunched(undefined)}
          />
        </Box>
      )}
      <PageTabs tabs={tabs} current={page.view} onChange={page.show} />
      <LazyLaunchDialog
        open={launching}
        onClose={() => setLaunching(false)}
        onLaunched={run => {
          setLaunched(run);
          setListKey(k => k + 1);
          page.show('runs');
        }}
        onScheduled={schedule => {
          setScheduled(schedule);
          setSchedulesKey(k => k + 1);
          page.show('schedules');
        }}
      />
    </Frame>
  );
}
