import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { TenantSummary } from '../../api';
import { quotaBars, shareOf } from '../../lib/quota';

const useStyles = makeStyles(theme => ({
  bar: { height: 10, borderRadius: 5 },
  ok: { backgroundColor: theme.palette.success?.main ?? '#2e7d32' },
  high: { backgroundColor: theme.palette.warning?.main ?? '#ed6c02' },
  full: { backgroundColor: theme.palette.error.main },
  row: { marginBottom: theme.spacing(1.5) },
}));

/**
 * A tenant's quota as bars: CPU, memory and GPU requests of its namespace
 * against its ResourceQuota, and its running jobs against its plan's
 * concurrency limit.
 */
export function QuotaBars(props: {
  tenant: TenantSummary;
  /** Side by side (a strip above or below a table) instead of stacked. */
  row?: boolean;
}) {
  const classes = useStyles();
  const { tenant } = props;
  const bars = quotaBars(tenant);
  return (
    <Box
      data-testid={`quota-${tenant.id}`}
      display={props.row ? 'grid' : 'block'}
      gridTemplateColumns="repeat(auto-fit, minmax(200px, 1fr))"
      gridColumnGap={24}
    >
      {bars.map(bar => {
        const share = shareOf(bar);
        let color = classes.ok;
        if (share !== undefined && share >= 0.9) color = classes.full;
        else if (share !== undefined && share >= 0.7) color = classes.high;
        const text =
          bar.used === undefined
            ? `limit ${bar.hardText}`
            : `${bar.usedText} of ${bar.hardText}`;
        return (
          <div key={bar.id} className={classes.row}>
            <Box
              display="flex"
              justifyContent="space-between"
              flexWrap="wrap"
              gridColumnGap={8}
            >
              <Typography variant="body2" id={`quota-${tenant.id}-${bar.id}`}>
                {bar.label}
              </Typography>
              <Typography variant="body2" color="textSecondary">
                {text}
              </Typography>
            </Box>
            <LinearProgress
              variant="determinate"
              value={Math.round((share ?? 0) * 100)}
              aria-labelledby={`quota-${tenant.id}-${bar.id}`}
              aria-valuetext={text}
              classes={{ root: classes.bar, bar: color }}
            />
          </div>
        );
      })}
      {!tenant.quota && (
        <Typography
          variant="caption"
          color="textSecondary"
          style={{ gridColumn: '1 / -1' }}
        >
          Use not measured yet: the limits of plan {tenant.plan.id}. The cluster
          reports use once the tenant's namespace exists (with its first job),
          and when it can be reached.
        </Typography>
      )}
    </Box>
  );
}
