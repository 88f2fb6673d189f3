import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { ChartSeries, SERIES_COLORS } from '../../lib/charts';

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
  /** Fixed top of the value axis, e.g. 1 for rates. */
  maxY?: number;
  /** Colors by series group, so p50 and p95 of a type share one. */
  colorKey?(series: ChartSeries): string;
}) {
  const theme = useTheme();
  const xs = props.series.flatMap(s => s.points.map(p => p.x));
  const ys = props.series.flatMap(s =>
    s.points.flatMap(p => (p.y === undefined ? [] : [p.y])),
  );
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const maxY = props.maxY ?? Math.max(1, ...ys) * 1.1;
  const sx = (x: number) =>
    PAD.left +
    (maxX === minX ? 0.5 : (x - minX) / (maxX - minX)) *
      (WIDTH - PAD.left - PAD.right);
  const sy = (y: number) =>
    HEIGHT - PAD.bottom - (y / maxY) * (HEIGHT - PAD.top - PAD.bottom);
  const keys = [...new Set(props.series.map(s => props.colorKey?.(s) ?? s.id))];
  const colorOf = (s: ChartSeries) =>
    SERIES_COLORS[
      keys.indexOf(props.colorKey?.(s) ?? s.id) % SERIES_COLORS.length
    ];
  const ticks = [0, 0.25, 0.5, 0.75, 1].map(t => t * maxY);
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
        {props.series.map(s => (
          <li
            key={s.id}
            style={{ display: 'flex', alignItems: 'center', gap: 4 }}
          >
            <svg width="24" height="10" aria-hidden="true">
              <line
                x1="0"
                x2="24"
                y1="5"
                y2="5"
                stroke={colorOf(s)}
                strokeWidth="3"
                strokeDasharray={s.dashed ? '5 3' : undefined}
              />
            </svg>
            <Typography variant="caption">{s.label}</Typography>
          </li>
        ))}
      </Box>
    </Box>
  );
}
