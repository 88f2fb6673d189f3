import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { describeError } from '../../lib/errors';

/**
 * An error in words with what to do about it, and a retry button when
 * trying again may help.
 */
export function ErrorNotice(props: {
  error: unknown;
  what?: string;
  onRetry?: () => void;
}) {
  const { title, message, advice } = describeError(props.error, props.what);
  return (
    <Alert
      severity="error"
      role="alert"
      action={
        props.onRetry && (
          <Button color="inherit" size="small" onClick={props.onRetry}>
            Try again
          </Button>
        )
      }
    >
      <AlertTitle>{title}</AlertTitle>
      <div>{message}</div>
      <div>{advice}</div>
    </Alert>
  );
}
