import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { TenantJobTrigger } from '@tenant-jobs/plugin-tenant-jobs-common';
import { refName, shortId } from '../../lib/format';
import { describeDropReason } from './dropReasons';

const useStyles = makeStyles(theme => ({
  list: { margin: 0, paddingLeft: theme.spacing(2) },
  secondary: { color: theme.palette.text.secondary, display: 'block' },
}));

/** How a rule is named to a user: its job type, topic and short id. */
export function triggerLabel(
  rule: TenantJobTrigger,
  jobTypeTitles: Record<string, string>,
): string {
  return `${jobTypeTitles[rule.jobType] ?? rule.jobType} on ${
    rule.topic
  } #${shortId(rule.id)}`;
}

/** A filter or constant value as written: text in quotes, others plain. */
function valueText(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

/**
 * Trigger rules as a table: topic, filter (path = value), job type, owner,
 * events launched and dropped by reason, and delete per row.
 */
export function TriggersTable(props: {
  rules: TenantJobTrigger[];
  jobTypeTitles: Record<string, string>;
  caption: string;
  showTenant?: boolean;
  onDelete(rule: TenantJobTrigger): void;
}) {
  const classes = useStyles();
  const { jobTypeTitles } = props;
  return (
    <Table size="small" aria-label={props.caption}>
      <TableHead>
        <TableRow>
          <TableCell>Topic</TableCell>
          {props.showTenant && <TableCell>Tenant</TableCell>}
          <TableCell>Filter</TableCell>
          <TableCell>Job type</TableCell>
          <TableCell>Owner</TableCell>
          <TableCell align="right">Launched</TableCell>
          <TableCell>Dropped</TableCell>
          <TableCell>Actions</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.rules.map(rule => {
          const label = triggerLabel(rule, jobTypeTitles);
          const filter = Object.entries(rule.filter);
          const mapped = Object.entries(rule.parameters);
          const dropped = Object.entries(rule.dropped).filter(
            ([, count]) => count > 0,
          );
          return (
            <TableRow key={rule.id} data-trigger-id={rule.id}>
              <TableCell>
                <code>{rule.topic}</code>
              </TableCell>
              {props.showTenant && <TableCell>{rule.tenantId}</TableCell>}
              <TableCell>
                {filter.length === 0 ? (
                  <Typography variant="body2" color="textSecondary">
                    Every event
                  </Typography>
                ) : (
                  <ul
                    className={classes.list}
                    aria-label={`Filter of ${label}`}
                  >
                    {filter.map(([path, value]) => (
                      <li key={path}>
                        <code>
                          {path} = {valueText(value)}
                        </code>
                      </li>
                    ))}
                  </ul>
                )}
              </TableCell>
              <TableCell>
                {jobTypeTitles[rule.jobType] ?? rule.jobType}
                {mapped.length > 0 && (
                  <Typography variant="caption" className={classes.secondary}>
                    {mapped
                      .map(([name, source]) =>
                        'from' in source
                          ? `${name} ← ${source.from}`
                          : `${name} = ${valueText(source.value)}`,
                      )
                      .join(', ')}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <span title={rule.createdBy}>{refName(rule.createdBy)}</span>
              </TableCell>
              <TableCell align="right">{rule.launched}</TableCell>
              <TableCell>
                {dropped.length === 0 ? (
                  <Typography variant="body2" color="textSecondary">
                    None
                  </Typography>
                ) : (
                  <ul
                    className={classes.list}
                    aria-label={`Dropped events of ${label}`}
                  >
                    {dropped.map(([reason, count]) => (
                      <li key={reason}>
                        {describeDropReason(reason)}: {count}
                      </li>
                    ))}
                  </ul>
                )}
              </TableCell>
              <TableCell>
                <Button
                  size="small"
                  color="secondary"
                  aria-label={`Delete trigger rule ${label}`}
                  onClick={() => props.onDelete(rule)}
                >
                  Delete
                </Button>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
