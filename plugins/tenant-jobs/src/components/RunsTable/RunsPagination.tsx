import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';

export const PAGE_SIZES = [10, 20, 50, 100];

/**
 * Previous and Next through server-side pages (cursors, so no total
 * count), and the page size.
 */
export function RunsPagination(props: {
  pageIndex: number;
  pageSize: number;
  shown: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious(): void;
  onNext(): void;
  onPageSize(size: number): void;
}) {
  const first = props.pageIndex * props.pageSize + 1;
  return (
    <Box
      display="flex"
      alignItems="center"
      justifyContent="flex-end"
      gridGap={16}
      paddingTop={1}
      component="nav"
      aria-label="Pages of runs"
    >
      <TextField
        select
        size="small"
        id="runs-page-size"
        label="Rows per page"
        value={props.pageSize}
        onChange={event => props.onPageSize(Number(event.target.value))}
        style={{ minWidth: 120 }}
      >
        {PAGE_SIZES.map(size => (
          <MenuItem key={size} value={size}>
            {size}
          </MenuItem>
        ))}
      </TextField>
      <Typography variant="body2" aria-live="polite">
        {props.shown === 0
          ? 'No runs'
          : `Runs ${first}–${first + props.shown - 1}`}
      </Typography>
      <Button
        size="small"
        onClick={props.onPrevious}
        disabled={!props.hasPrevious}
      >
        Previous
      </Button>
      <Button size="small" onClick={props.onNext} disabled={!props.hasNext}>
        Next
      </Button>
    </Box>
  );
}
