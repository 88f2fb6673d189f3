import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { ChartSeries, SERIES_COLORS } from '../../lib/charts';
import { niceTicks } from '../../lib/ticks';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

function dateLabel(x: number) {
  return new Date(x).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
  });
}

/** Segments of a series between gaps, as SVG path data. */
function pathOf(
  series: ChartSeries,
  sx: (x: number) => number,
  sy: (y: number) => number,
): string {
  let d = '';
  let pen = false;
  for (const point of series.points) {
    if (point.y === undefined) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${sx(point.x).toFixed(1)},${sy(point.y).toFixed(
      1,
    )}`;
    pen = true;
  }
  return d;
}

/**
 * A small line chart over time as SVG: one line per series (dashed when
 * asked), gaps where a bucket had no figure, four value ticks, the first,
 * middle and last dates, and a legend. Described for screen readers by
 * `summary`.
 */
export function LineChart(props: {
  title: string;
  summary: string;
  series: ChartSeries[];
  formatY(y: number): string;
  /** Fixed ticks of the value axis, e.g. 0..1 for rates. */
  yTicks?: number[];
  /** Values are seconds: ticks fall on whole minutes and hours. */
  seconds?: boolean;
  /** Groups series that share a color and a legend entry (p50 and p95 of a type). */
  group?(series: ChartSeries): { key: string; label: string };
}) {
  const theme = useTheme();
  const xs = props.series.flatMap(s => s.points.map(p => p.x));
  const ys = props.series.flatMap(s =>
    s.points.flatMap(p => (p.y === undefined ? [] : [p.y])),
  );
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const ticks = props.yTicks ?? niceTicks(Math.max(1, ...ys), props.seconds);
  const maxY = ticks[ticks.length - 1];
  const sx = (x: number) =>
    PAD.left +
    (maxX === minX ? 0.5 : (x - minX) / (maxX - minX)) *
      (WIDTH - PAD.left - PAD.right);
  const sy = (y: number) =>
    HEIGHT - PAD.bottom - (y / maxY) * (HEIGHT - PAD.top - PAD.bottom);
  const groupOf = (s: ChartSeries) =>
    props.group?.(s) ?? { key: s.id, label: s.label };
  const groups = [
    ...new Map(props.series.map(s => [groupOf(s).key, groupOf(s)])).values(),
  ];
  const keys = groups.map(g => g.key);
  const colorOf = (s: ChartSeries) =>
    SERIES_COLORS[keys.indexOf(groupOf(s).key) % SERIES_COLORS.length];
  const dates = xs.length ? [minX, (minX + maxX) / 2, maxX] : [];
  const text = theme.palette.text.secondary;

  return (
    <Box>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-label={`${props.title}. ${props.summary}`}
      >
        {ticks.map(t => (
          <g key={t}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={sy(t)}
              y2={sy(t)}
              stroke={theme.palette.divider}
            />
            <text
              x={PAD.left - 6}
              y={sy(t) + 4}
              textAnchor="end"
              fontSize="11"
              fill={text}
            >
              {props.formatY(t)}
            </text>
          </g>
        ))}
        {dates.map((x, i) => (
          <text
            key={i}
            x={sx(x)}
            y={HEIGHT - 8}
            textAnchor={(['start', 'middle', 'end'] as const)[i]}
            fontSize="11"
            fill={text}
          >
            {dateLabel(x)}
          </text>
        ))}
        {props.series.map(s => (
          <g key={s.id}>
            <path
              d={pathOf(s, sx, sy)}
              fill="none"
              stroke={colorOf(s)}
              strokeWidth={2}
              strokeDasharray={s.dashed ? '5 4' : undefined}
            />
            {s.points.map(p =>
              p.y === undefined ? null : (
                <circle
                  key={p.x}
                  cx={sx(p.x)}
                  cy={sy(p.y)}
                  r={2.5}
                  fill={colorOf(s)}
                />
              ),
            )}
          </g>
        ))}
      </svg>
      <Box
        display="flex"
        flexWrap="wrap"
        gridGap={12}
        component="ul"
        padding={0}
        margin={0}
        style={{ listStyle: 'none' }}
      >
        {groups.map(group => (
          <li
            key={group.key}
            style={{ display: 'flex', alignItems: 'center', gap: 4 }}
          >
            {props.series
              .filter(s => groupOf(s).key === group.key)
              .map(s => (
                <svg key={s.id} width="20" height="10" aria-hidden="true">
                  <line
                    x1="0"
                    x2="20"
                    y1="5"
                    y2="5"
                    stroke={colorOf(s)}
                    strokeWidth="3"
                    strokeDasharray={s.dashed ? '4 3' : undefined}
                  />
                </svg>
              ))}
            <Typography variant="caption">{group.label}</Typography>
          </li>
        ))}
      </Box>
    </Box>
  );
}
