import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';

/** Why a non-member sees no jobs and cannot launch, and whom to ask. */
export function NotMemberNotice(props: { tenantId: string; owner?: string }) {
  return (
    <Alert severity="info" data-testid="not-member">
      <AlertTitle>You are not a member of tenant {props.tenantId}</AlertTitle>
      Only members of the tenant's group see and launch its jobs.
      {props.owner
        ? ` Ask the owners of ${props.owner} to add you.`
        : " Ask the owners of the tenant's group to add you."}
    </Alert>
  );
}
