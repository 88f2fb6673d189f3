import { InfoCard, Progress } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  RouterLink,
  useApi,
  useAppNavigate,
} from '@backstage/frontend-plugin-api';
import {
  MissingAnnotationEmptyState,
  useEntity,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Link from '@material-ui/core/Link';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { TENANT_JOBS_ANNOTATIONS } from '@tenant-jobs/plugin-tenant-jobs-common';
import { useCallback, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { tenantJobsApiRef } from '../../api';
import { useLiveUpdates } from '../../hooks/useLiveUpdates';
import { useJobTypeTitles, useTenants } from '../../hooks/useTenantJobsCatalog';
import { tenantIdOf } from '../../isTenantJobsAvailable';
import { formatPercent, formatRelative, shortId } from '../../lib/format';
import { isActive } from '../../lib/status';
import { ErrorNotice } from '../common/ErrorNotice';
import { RunStatusLabel } from '../common/RunStatusLabel';
import { LazyLaunchDialog } from '../LaunchDialog/LazyLaunchDialog';
import { ENTITY_TAB_PATH } from './entityTabPath';

/**
 * The overview card of a catalog entity: its latest runs, their success
 * rate over 30 days, a launch button and a link to the Jobs tab.
 */
export function EntityTenantJobsCard(props: { tabPath?: string }) {
  const { entity } = useEntity();
  const api = useApi(tenantJobsApiRef);
  const entityLink = useEntityRefLink();
  const tenantId = tenantIdOf(entity);
  const entityRef = stringifyEntityRef(entity);
  const tenants = useTenants();
  const titles = useJobTypeTitles();
  const [launching, setLaunching] = useState(false);
  const navigate = useAppNavigate();
  const tabHref = `${entityLink(entity)}/${props.tabPath ?? ENTITY_TAB_PATH}`;

  const state = useAsyncRetry(async () => {
    const [page, stats] = await Promise.all([
      api.listRuns({ entityRef, limit: 5 }),
      api.getStats({ entityRef }),
    ]);
    let succeeded = 0;
    let failed = 0;
    for (const item of stats.items) {
      succeeded += item.succeeded;
      failed += item.failed;
    }
    return {
      runs: page.items,
      successRate:
        succeeded + failed ? succeeded / (succeeded + failed) : undefined,
      finished: succeeded + failed,
    };
  }, [api, entityRef]);
  const { retry } = state;
  const onChange = useCallback(() => retry(), [retry]);
  useLiveUpdates({
    tenantIds: tenantId ? [tenantId] : [],
    active: Boolean(state.value?.runs.some(r => isActive(r.status))),
    onChange,
  });

  if (!tenantId) {
    return (
      <InfoCard title="Jobs">
        <MissingAnnotationEmptyState
          annotation={TENANT_JOBS_ANNOTATIONS.tenantId}
        />
      </InfoCard>
    );
  }
  const member = tenants.value?.some(t => t.id === tenantId);
  let content;
  if (state.error) {
    content = <ErrorNotice error={state.error} onRetry={retry} />;
  } else if (!state.value) {
    content = <Progress />;
  } else if (state.value.runs.length === 0) {
    content = (
      <Typography variant="body2">
        {member === false
          ? `You are not a member of tenant ${tenantId}, so you cannot see or launch its jobs. Ask the owners of its group to add you.`
          : 'No jobs launched from here yet. Launch one to see it here.'}
      </Typography>
    );
  } else {
    content = (
      <>
        <Typography variant="body2" gutterBottom>
          Success rate, last 30 days:{' '}
          <strong>{formatPercent(state.value.successRate)}</strong> of{' '}
          {state.value.finished} finished runs
        </Typography>
        <List dense aria-label="Latest runs">
          {state.value.runs.map(run => (
            <ListItem key={run.id} disableGutters>
              <ListItemText
                primary={
                  <Link
                    component={RouterLink}
                    href={`${tabHref}?run=${run.id}`}
                  >
                    {titles[run.jobType] ?? run.jobType} #{shortId(run.id)}
                  </Link>
                }
                secondary={formatRelative(run.createdAt)}
              />
              <RunStatusLabel status={run.status} />
            </ListItem>
          ))}
        </List>
      </>
    );
  }
  return (
    <InfoCard
      title="Jobs"
      subheader={`Tenant ${tenantId}`}
      deepLink={{ title: 'View all jobs', link: tabHref }}
    >
      {content}
      <Box marginTop={1}>
        <Button
          variant="outlined"
          color="primary"
          disabled={!member}
          onClick={() => setLaunching(true)}
        >
          Launch a job
        </Button>
      </Box>
      <LazyLaunchDialog
        open={launching}
        tenantId={tenantId}
        entityRef={entityRef}
        onClose={() => setLaunching(false)}
        onLaunched={run => {
          setLaunching(false);
          navigate(`${tabHref}?run=${run.id}`);
        }}
      />
    </InfoCard>
  );
}
