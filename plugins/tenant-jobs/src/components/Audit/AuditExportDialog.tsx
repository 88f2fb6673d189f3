import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import { useEffect, useState } from 'react';
import { AuditExportQuery, tenantJobsApiRef } from '../../api';
import { saveFile } from '../../lib/saveFile';
import { ErrorNotice } from '../common/ErrorNotice';
import { auditFilterOf, AuditFilterValues } from './AuditFilters';
import { isoOfLocal, localOf } from './auditWords';

const DAY_MS = 86_400_000;

const MINUTE_MS = 60_000;

/**
 * The range an export starts with: the filter's, else the last 30 days up
 * to the next whole minute, so what happened this minute is in it (the
 * field holds minutes, and the end is exclusive).
 */
export function exportRange(
  values: AuditFilterValues,
  now = Date.now(),
): { from: string; to: string } {
  return {
    from: values.from || localOf(now - 30 * DAY_MS),
    to: values.to || localOf((Math.floor(now / MINUTE_MS) + 1) * MINUTE_MS),
  };
}

/**
 * Exports the audit events of a time range that match the page's other
 * filters, as CSV or JSON Lines, and downloads the file.
 */
export function AuditExportDialog(props: {
  open: boolean;
  filter: AuditFilterValues;
  onClose(): void;
}) {
  const api = useApi(tenantJobsApiRef);
  const [format, setFormat] = useState<AuditExportQuery['format']>('csv');
  const [range, setRange] = useState(() => exportRange(props.filter));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const { open, filter } = props;
  useEffect(() => {
    if (open) {
      setRange(exportRange(filter));
      setError(undefined);
    }
  }, [open, filter]);

  const from = isoOfLocal(range.from);
  const to = isoOfLocal(range.to);
  let problem: string | undefined;
  if (!from || !to) problem = 'Choose both ends of the time range.';
  else if (from >= to) problem = 'The end must be after the start.';

  const download = async () => {
    if (!from || !to || problem) return;
    setBusy(true);
    setError(undefined);
    try {
      saveFile(
        await api.exportAudit({
          ...auditFilterOf(props.filter),
          from,
          to,
          format,
        }),
      );
      props.onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      onClose={busy ? undefined : props.onClose}
      aria-labelledby="audit-export-title"
    >
      <DialogTitle id="audit-export-title">Export audit events</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Every event of the time range that matches the tenant, action, actor
          and outcome filters, as one file.
        </DialogContentText>
        <FormControl component="fieldset">
          <FormLabel component="legend">Format</FormLabel>
          <RadioGroup
            row
            name="audit-export-format"
            value={format}
            onChange={event =>
              setFormat(event.target.value as AuditExportQuery['format'])
            }
          >
            <FormControlLabel value="csv" control={<Radio />} label="CSV" />
            <FormControlLabel
              value="jsonl"
              control={<Radio />}
              label="JSON Lines"
            />
          </RadioGroup>
        </FormControl>
        <Box display="flex" gridGap={12} marginTop={2} flexWrap="wrap">
          <TextField
            type="datetime-local"
            variant="outlined"
            size="small"
            id="audit-export-from"
            label="From"
            required
            value={range.from}
            InputLabelProps={{ shrink: true }}
            onChange={event =>
              setRange(r => ({ ...r, from: event.target.value }))
            }
          />
          <TextField
            type="datetime-local"
            variant="outlined"
            size="small"
            id="audit-export-to"
            label="To"
            required
            value={range.to}
            InputLabelProps={{ shrink: true }}
            onChange={event =>
              setRange(r => ({ ...r, to: event.target.value }))
            }
            error={Boolean(problem)}
            helperText={problem}
          />
        </Box>
        {error !== undefined && (
          <Box marginTop={2}>
            <ErrorNotice error={error} what="export the audit events" />
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          variant="contained"
          color="primary"
          onClick={download}
          disabled={busy || Boolean(problem)}
        >
          Download
        </Button>
      </DialogActions>
    </Dialog>
  );
}
