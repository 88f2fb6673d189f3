import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { TenantJobTrigger } from '@tenant-jobs/plugin-tenant-jobs-common';
import { useState } from 'react';
import { tenantJobsApiRef } from '../../api';
import { useLiveUpdates } from '../../hooks/useLiveUpdates';
import { useJobTypeTitles, useTenants } from '../../hooks/useTenantJobsCatalog';
import { ErrorNotice } from '../common/ErrorNotice';
import { ConfirmDialog } from '../RunActions/ConfirmDialog';
import { TriggerRuleDialog } from './TriggerRuleDialog';
import { triggerLabel, TriggersTable } from './TriggersTable';
import { useTriggers, useTriggerTopics } from './useTriggers';

/** Props of {@link TriggersPanel}. */
export interface TriggersPanelProps {
  /** The tenants whose rules to show; every readable one when absent. */
  tenantIds?: string[];
  /** Only the rules launched from this catalog entity; new rules get it. */
  entityRef?: string;
}

/**
 * Trigger rules of a tenant, an entity or all the user's tenants: topic,
 * filter, job type, owner, and the events each launched and dropped (by
 * reason); a new rule, and delete after a confirmation. The counts follow
 * the tenants' run signals.
 */
export function TriggersPanel(props: TriggersPanelProps) {
  const api = useApi(tenantJobsApiRef);
  const titles = useJobTypeTitles();
  const rules = useTriggers({
    tenantIds: props.tenantIds,
    entityRef: props.entityRef,
  });
  const topics = useTriggerTopics();
  const tenants = useTenants();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<TenantJobTrigger>();
  const [busy, setBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>();

  const shownTenants =
    props.tenantIds ??
    Array.from(new Set((rules.value ?? []).map(rule => rule.tenantId)));
  // A launch changes a rule's counts and comes with a run signal.
  useLiveUpdates({
    tenantIds: shownTenants,
    active: false,
    onChange: rules.retry,
  });

  // Rules are made for tenants the user is a member of.
  const mine = (tenants.value ?? []).filter(
    t => !props.tenantIds || props.tenantIds.includes(t.id),
  );
  const noTopics = topics.value !== undefined && topics.value.length === 0;

  const confirmDelete = async () => {
    if (!deleting) return;
    setBusy(true);
    setDeleteError(undefined);
    try {
      await api.deleteTrigger(deleting.id);
      setDeleting(undefined);
      rules.retry();
    } catch (e) {
      setDeleteError(e);
    } finally {
      setBusy(false);
    }
  };

  let newRuleHint: string | undefined;
  if (noTopics) newRuleHint = 'No topics are allowed yet';
  else if (tenants.value && mine.length === 0) {
    newRuleHint = 'Only members of the tenant may add rules';
  }
  const newRuleButton = (
    <Button
      variant="outlined"
      color="primary"
      disabled={!topics.value || !tenants.value || Boolean(newRuleHint)}
      title={newRuleHint}
      onClick={() => setCreating(true)}
    >
      New trigger rule
    </Button>
  );

  let body;
  if (rules.error) {
    body = (
      <ErrorNotice
        error={rules.error}
        what="load the trigger rules"
        onRetry={rules.retry}
      />
    );
  } else if (!rules.value) {
    body = <Progress />;
  } else if (rules.value.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No trigger rules yet"
        description="A trigger rule launches a job when an event arrives on a topic (a push to a repository, a finished load) and its payload matches the rule's filter. Use New trigger rule to add one: pick the topic, the job type, the filter and where each parameter comes from."
        action={noTopics ? undefined : newRuleButton}
      />
    );
  } else {
    body = (
      <TriggersTable
        rules={rules.value}
        jobTypeTitles={titles}
        caption="Trigger rules"
        showTenant={!props.tenantIds || props.tenantIds.length > 1}
        onDelete={rule => {
          setDeleteError(undefined);
          setDeleting(rule);
        }}
      />
    );
  }

  return (
    <InfoCard
      title="Trigger rules"
      subheader="Jobs launched by events"
      action={newRuleButton}
    >
      {noTopics && (
        <Box marginBottom={2}>
          <Alert severity="info" data-testid="no-trigger-topics">
            <AlertTitle>No topics are allowed for trigger rules</AlertTitle>
            The platform team must allow the events topics rules may listen to
            under <code>tenantJobs.triggers.topics</code> in the app
            configuration; ask them to add the topic you need.
          </Alert>
        </Box>
      )}
      {topics.error !== undefined && (
        <Box marginBottom={2}>
          <ErrorNotice
            error={topics.error}
            what="load the trigger topics"
            onRetry={topics.retry}
          />
        </Box>
      )}
      {body}
      {creating && topics.value && (
        <TriggerRuleDialog
          open
          tenants={mine}
          topics={topics.value}
          entityRef={props.entityRef}
          onClose={() => setCreating(false)}
          onCreated={() => rules.retry()}
        />
      )}
      <ConfirmDialog
        open={Boolean(deleting)}
        title={`Delete trigger rule ${
          deleting ? triggerLabel(deleting, titles) : ''
        }?`}
        confirmLabel="Delete rule"
        danger
        busy={busy}
        onConfirm={confirmDelete}
        onClose={() => {
          setDeleting(undefined);
          setDeleteError(undefined);
        }}
      >
        Events on {deleting?.topic} no longer launch{' '}
        {deleting ? titles[deleting.jobType] ?? deleting.jobType : ''}. The runs
        it already launched are kept. This cannot be undone.
        {deleteError !== undefined && (
          <ErrorNotice error={deleteError} what="delete the trigger rule" />
        )}
      </ConfirmDialog>
    </InfoCard>
  );
}
