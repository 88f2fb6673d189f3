import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useRef, useState } from 'react';
import {
  tenantJobsApiRef,
  TenantConfigurationImportResult,
  TenantConfigurationPreview,
} from '../../api';
import { useJobTypeTitles, useTenants } from '../../hooks/useTenantJobsCatalog';
import { ErrorNotice } from '../common/ErrorNotice';
import { downloadText, readText } from './downloadText';
import { RestorePreviewDialog } from './RestorePreviewDialog';

/** Props of {@link ConfigurationBackup}. */
export interface ConfigurationBackupProps {
  /** The tenants to back up and restore; a select offers them when several. */
  tenantIds: string[];
  /** Called after an import created schedules and rules. */
  onRestored?(result: TenantConfigurationImportResult): void;
}

const plural = (count: number, word: string) =>
  `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * Backup and restore of a tenant's schedules and trigger rules: download
 * them as one YAML file, or choose a file to restore, see what it would
 * create and what is refused, and only then import it.
 */
export function ConfigurationBackup(props: ConfigurationBackupProps) {
  const api = useApi(tenantJobsApiRef);
  const titles = useJobTypeTitles();
  const tenants = useTenants();
  const fileInput = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<string>();
  const [busy, setBusy] = useState<'download' | 'preview' | 'import'>();
  const [error, setError] = useState<{ error: unknown; what: string }>();
  const [restore, setRestore] = useState<{
    fileName: string;
    yaml: string;
    preview: TenantConfigurationPreview;
  }>();
  const [importError, setImportError] = useState<unknown>();
  const [restored, setRestored] = useState<string>();

  const tenantId =
    chosen && props.tenantIds.includes(chosen) ? chosen : props.tenantIds[0];
  const titleOf = (id: string) =>
    tenants.value?.find(t => t.id === id)?.title ?? id;

  if (!tenantId) return null;

  const download = async () => {
    setBusy('download');
    setError(undefined);
    try {
      const yaml = await api.exportConfiguration(tenantId);
      downloadText(yaml, `${tenantId}-tenant-jobs.yaml`);
    } catch (e) {
      setError({ error: e, what: 'download the configuration' });
    } finally {
      setBusy(undefined);
    }
  };

  const preview = async (file: File) => {
    setBusy('preview');
    setError(undefined);
    setRestored(undefined);
    try {
      const yaml = await readText(file);
      const answer = await api.previewConfiguration(tenantId, yaml);
      setImportError(undefined);
      setRestore({ fileName: file.name, yaml, preview: answer });
    } catch (e) {
      setError({ error: e, what: `read ${file.name}` });
    } finally {
      setBusy(undefined);
    }
  };

  const importFile = async () => {
    if (!restore) return;
    setBusy('import');
    setImportError(undefined);
    try {
      const result = await api.importConfiguration(tenantId, restore.yaml);
      setRestore(undefined);
      setRestored(
        `Restored ${plural(result.schedules, 'schedule')} and ${plural(
          result.triggers,
          'trigger rule',
        )} into ${titleOf(tenantId)}.`,
      );
      props.onRestored?.(result);
    } catch (e) {
      setImportError(e);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <InfoCard
      title="Backup and restore"
      subheader="A tenant's schedules and trigger rules as one YAML file"
    >
      <Box display="flex" flexWrap="wrap" alignItems="center" gridGap={12}>
        {props.tenantIds.length > 1 && (
          <TextField
            select
            size="small"
            variant="outlined"
            id="configuration-tenant"
            label="Tenant"
            style={{ minWidth: 200 }}
            value={tenantId}
            onChange={event => setChosen(event.target.value)}
          >
            {props.tenantIds.map(id => (
              <MenuItem key={id} value={id}>
                {titleOf(id)}
              </MenuItem>
            ))}
          </TextField>
        )}
        <Button
          variant="outlined"
          color="primary"
          disabled={Boolean(busy)}
          onClick={download}
        >
          Download configuration
        </Button>
        <Button
          variant="outlined"
          color="primary"
          disabled={Boolean(busy)}
          onClick={() => fileInput.current?.click()}
        >
          Restore from file
        </Button>
        <input
          ref={fileInput}
          type="file"
          accept=".yaml,.yml,application/yaml,text/yaml"
          aria-label="Configuration file to restore"
          style={{ display: 'none' }}
          onChange={event => {
            const file = event.target.files?.[0];
            // Choosing the same file again must preview it again.
            event.target.value = '';
            if (file) preview(file);
          }}
        />
      </Box>
      <Box marginTop={1}>
        <Typography variant="body2" color="textSecondary">
          Restoring shows what the file would create and what is refused before
          anything is created.
        </Typography>
      </Box>
      {restored && (
        <Box marginTop={2}>
          <Alert
            severity="success"
            role="status"
            onClose={() => setRestored(undefined)}
          >
            {restored}
          </Alert>
        </Box>
      )}
      {error && (
        <Box marginTop={2}>
          <ErrorNotice error={error.error} what={error.what} />
        </Box>
      )}
      {restore && (
        <RestorePreviewDialog
          open
          fileName={restore.fileName}
          tenantTitle={titleOf(tenantId)}
          preview={restore.preview}
          jobTypeTitles={titles}
          busy={busy === 'import'}
          error={importError}
          onImport={importFile}
          onCancel={() => {
            setRestore(undefined);
            setImportError(undefined);
          }}
        />
      )}
    </InfoCard>
  );
}
