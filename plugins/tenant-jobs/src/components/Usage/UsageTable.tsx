import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableFooter from '@material-ui/core/TableFooter';
import { makeStyles } from '@material-ui/core/styles';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import type { UsageFigures, UsageReport } from '../../api';
import { formatHours } from './formatUsage';

// A footer's cells are small and grey by default; the total is a figure
// like the others, and the one most read.
const useStyles = makeStyles(theme => ({
  total: {
    '& > *': {
      fontSize: theme.typography.body2.fontSize,
      fontWeight: theme.typography.fontWeightBold,
      color: theme.palette.text.primary,
    },
  },
}));

function FigureCells(props: { figures: UsageFigures }) {
  const { figures } = props;
  return (
    <>
      <TableCell align="right">{figures.runs}</TableCell>
      <TableCell align="right">{formatHours(figures.cpuCoreHours)}</TableCell>
      <TableCell align="right">{formatHours(figures.memoryGiBHours)}</TableCell>
      <TableCell align="right">{formatHours(figures.gpuHours)}</TableCell>
    </>
  );
}

/**
 * A usage report as a table: a column for each group (tenant, job type,
 * day or month), then runs, CPU core-hours, memory GiB-hours and
 * GPU-hours with two decimals, and a total row.
 */
export function UsageTable(props: {
  report: UsageReport;
  caption: string;
  jobTypeTitles: Record<string, string>;
}) {
  const { report } = props;
  const classes = useStyles();
  const columns = report.groupBy.map(group => {
    switch (group) {
      case 'tenant':
        return {
          id: group,
          label: 'Tenant',
          value: (item: UsageReport['items'][number]) => item.tenantId,
        };
      case 'jobType':
        return {
          id: group,
          label: 'Job type',
          value: (item: UsageReport['items'][number]) =>
            item.jobType && (props.jobTypeTitles[item.jobType] ?? item.jobType),
        };
      default:
        return {
          id: group,
          label: group === 'day' ? 'Day' : 'Month',
          value: (item: UsageReport['items'][number]) => item.period,
        };
    }
  });
  return (
    <Table size="small" aria-label={props.caption}>
      <TableHead>
        <TableRow>
          {columns.map(column => (
            <TableCell key={column.id}>{column.label}</TableCell>
          ))}
          <TableCell align="right">Runs</TableCell>
          <TableCell align="right">CPU core-hours</TableCell>
          <TableCell align="right">Memory GiB-hours</TableCell>
          <TableCell align="right">GPU-hours</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {report.items.map((item, index) => (
          <TableRow key={index}>
            {columns.map(column => (
              <TableCell key={column.id}>{column.value(item) ?? '–'}</TableCell>
            ))}
            <FigureCells figures={item} />
          </TableRow>
        ))}
      </TableBody>
      <TableFooter>
        <TableRow className={classes.total}>
          <TableCell
            component="th"
            scope="row"
            colSpan={Math.max(1, columns.length)}
          >
            Total
          </TableCell>
          <FigureCells figures={report.total} />
        </TableRow>
      </TableFooter>
    </Table>
  );
}
