import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';

/** Names and values as a two-column table, names as row headers. */
export function KeyValueTable(props: {
  label: string;
  rows: Array<{ key: string; value: string }>;
}) {
  return (
    <Table size="small" aria-label={props.label}>
      <TableBody>
        {props.rows.map(row => (
          <TableRow key={row.key}>
            <TableCell component="th" scope="row" style={{ width: '40%' }}>
              {row.key}
            </TableCell>
            <TableCell style={{ wordBreak: 'break-word' }}>
              {row.value}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
