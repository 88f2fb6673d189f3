import Grid from '@material-ui/core/Grid';
import { useState } from 'react';
import { ConfigurationBackup } from '../Configuration/ConfigurationBackup';
import { SchedulesPanel } from '../Schedules/SchedulesPanel';
import { TriggersPanel } from '../Triggers/TriggersPanel';

/**
 * The "Schedules & triggers" tab: the schedules and trigger rules of the
 * user's tenants (every tenant's for the platform team), and backup and
 * restore of the configuration of the tenants the user is a member of.
 */
export function SchedulesAndTriggersTab(props: {
  /** Whose schedules and rules; every tenant's the user may read when absent. */
  tenantIds?: string[];
  /** The tenants the user is a member of: their configuration. */
  memberOf: string[];
  onShowRuns(scheduleId: string): void;
  /** Changes when the lists must be read again (a schedule was created). */
  refreshKey: number;
}) {
  const [restoredKey, setRestoredKey] = useState(0);
  const key = `${props.refreshKey}-${restoredKey}`;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <SchedulesPanel
          key={`schedules-${key}`}
          tenantIds={props.tenantIds}
          onShowRuns={props.onShowRuns}
        />
      </Grid>
      <Grid item xs={12}>
        <TriggersPanel key={`triggers-${key}`} tenantIds={props.tenantIds} />
      </Grid>
      {props.memberOf.length > 0 && (
        <Grid item xs={12}>
          <ConfigurationBackup
            tenantIds={props.memberOf}
            onRestored={() => setRestoredKey(k => k + 1)}
          />
        </Grid>
      )}
    </Grid>
  );
}
