import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import { useMemo, useState } from 'react';
import { useLiveUpdates } from '../../hooks/useLiveUpdates';
import { ErrorNotice } from '../common/ErrorNotice';
import { AuditExportDialog } from './AuditExportDialog';
import {
  auditFilterOf,
  AuditFilters,
  AuditFilterValues,
  NO_AUDIT_FILTER,
} from './AuditFilters';
import { AuditTable } from './AuditTable';
import { AUDIT_PAGE_SIZE, useAuditPage } from './useAuditPage';

/**
 * The audit trail: who did what to which tenant's runs, schedules and
 * rules, and how it ended; filtered and paged on the server, newest
 * first, with an export of a time range as CSV or JSON Lines. The
 * platform team reads every event, others their tenants'. The first page
 * follows the tenants' signals.
 */
export function AuditView(props: {
  /** The tenants to filter by: the user's, or every tenant for the platform team. */
  tenants: Array<{ id: string; title?: string }>;
}) {
  const [values, setValues] = useState<AuditFilterValues>(NO_AUDIT_FILTER);
  const [exporting, setExporting] = useState(false);
  const filter = useMemo(() => auditFilterOf(values), [values]);
  const page = useAuditPage(filter);
  useLiveUpdates({
    tenantIds: props.tenants.map(t => t.id),
    active: false,
    onChange: () => {
      // Later pages hold older events: only the first gains new ones.
      if (page.pageIndex === 0) page.refresh();
    },
  });

  let content;
  if (page.error && !page.items) {
    content = (
      <ErrorNotice
        error={page.error}
        what="load the audit events"
        onRetry={page.refresh}
      />
    );
  } else if (!page.items) {
    content = <Progress />;
  } else if (page.items.length === 0 && page.pageIndex === 0) {
    content = (
      <EmptyState
        missing="data"
        title="No audit events match these filters"
        description="Clear a filter or widen the time range. Events are recorded as runs, schedules and trigger rules are changed."
      />
    );
  } else {
    const first = page.pageIndex * AUDIT_PAGE_SIZE + 1;
    content = (
      <>
        {page.error && (
          <ErrorNotice
            error={page.error}
            what="refresh the audit events"
            onRetry={page.refresh}
          />
        )}
        <AuditTable events={page.items} loading={page.loading} />
        <Box
          display="flex"
          alignItems="center"
          justifyContent="flex-end"
          gridGap={16}
          paddingTop={1}
          component="nav"
          aria-label="Pages of audit events"
        >
          <Typography variant="body2" aria-live="polite">
            {page.items.length === 0
              ? 'No more events'
              : `Events ${first}–${first + page.items.length - 1}`}
          </Typography>
          <Button
            size="small"
            onClick={page.first}
            disabled={page.pageIndex === 0}
          >
            First page
          </Button>
          <Button size="small" onClick={page.next} disabled={!page.hasNext}>
            Next page
          </Button>
        </Box>
      </>
    );
  }

  return (
    <InfoCard
      title="Audit trail"
      subheader="Who did what, newest first"
      action={
        <Button
          variant="outlined"
          color="primary"
          startIcon={<GetAppIcon aria-hidden="true" />}
          onClick={() => setExporting(true)}
        >
          Export
        </Button>
      }
    >
      <AuditFilters
        values={values}
        tenants={props.tenants}
        onChange={setValues}
      />
      {content}
      <AuditExportDialog
        open={exporting}
        filter={values}
        onClose={() => setExporting(false)}
      />
    </InfoCard>
  );
}
