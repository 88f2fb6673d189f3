import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { TenantConfigurationPreview } from '../../api';
import { ErrorNotice } from '../common/ErrorNotice';
import { cronInWords } from '../Schedules/cronInWords';

/**
 * What restoring a configuration file would do, before it does anything:
 * the schedules and trigger rules it would create, or why it is refused.
 * Import is offered only when nothing is refused.
 */
export function RestorePreviewDialog(props: {
  open: boolean;
  fileName: string;
  tenantTitle: string;
  preview: TenantConfigurationPreview;
  jobTypeTitles: Record<string, string>;
  busy: boolean;
  error?: unknown;
  onImport(): void;
  onCancel(): void;
}) {
  const { preview, jobTypeTitles } = props;
  const title = (id: string) => jobTypeTitles[id] ?? id;
  const refused = preview.problems.length > 0;
  const empty = preview.schedules.length === 0 && preview.triggers.length === 0;
  const titleId = 'restore-preview-title';
  return (
    <Dialog
      open={props.open}
      onClose={props.busy ? undefined : props.onCancel}
      aria-labelledby={titleId}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={titleId}>
        Restore {props.fileName} into {props.tenantTitle}?
      </DialogTitle>
      <DialogContent dividers>
        {refused ? (
          <Alert severity="error" data-testid="restore-problems">
            <AlertTitle>
              The file would be refused; nothing is created
            </AlertTitle>
            <ul aria-label="Why the file is refused">
              {preview.problems.map(problem => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
            Fix these in the file and choose it again.
          </Alert>
        ) : (
          <Typography variant="body2" paragraph>
            Nothing has been created yet. Import creates what is listed here,
            all or none, beside the tenant's current schedules and rules.
          </Typography>
        )}
        {!refused && empty && (
          <Typography variant="body2" data-testid="restore-empty">
            The file holds no schedules and no trigger rules.
          </Typography>
        )}
        {preview.schedules.length > 0 && (
          <>
            <Typography variant="subtitle2" component="h3">
              Schedules to create ({preview.schedules.length})
            </Typography>
            <ul aria-label="Schedules to create">
              {preview.schedules.map((schedule, index) => (
                <li key={`${schedule.jobType}-${schedule.cron}-${index}`}>
                  {title(schedule.jobType)}: {cronInWords(schedule.cron)} (
                  {schedule.timeZone}){schedule.paused ? ', paused' : ''}
                </li>
              ))}
            </ul>
          </>
        )}
        {preview.triggers.length > 0 && (
          <>
            <Typography variant="subtitle2" component="h3">
              Trigger rules to create ({preview.triggers.length})
            </Typography>
            <ul aria-label="Trigger rules to create">
              {preview.triggers.map((rule, index) => (
                <li key={`${rule.jobType}-${rule.topic}-${index}`}>
                  {title(rule.jobType)} on {rule.topic}
                </li>
              ))}
            </ul>
          </>
        )}
        {props.error !== undefined && (
          <ErrorNotice error={props.error} what="import the configuration" />
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel} disabled={props.busy}>
          Cancel
        </Button>
        <Button
          variant="contained"
          color="primary"
          disabled={props.busy || refused || empty}
          onClick={props.onImport}
        >
          Import
        </Button>
      </DialogActions>
    </Dialog>
  );
}
