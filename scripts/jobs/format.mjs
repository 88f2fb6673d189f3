// How the job commands print: aligned tables, durations, times.

/** Rows as columns padded to their widest cell; the header underlined. */
export function table(columns, rows) {
  const cells = rows.map(row =>
    columns.map(column => String(row[column.key] ?? '')),
  );
  const widths = columns.map((column, i) =>
    Math.max(column.title.length, ...cells.map(row => row[i].length)),
  );
  const line = values =>
    values
      .map((value, i) => value.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map(column => column.title)),
    line(widths.map(width => '-'.repeat(width))),
    ...cells.map(line),
  ].join('\n');
}

/** 75 → `1m 15s`; 3725 → `1h 2m`; undefined → ``. */
export function duration(seconds) {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds)) {
    return '';
  }
  const s = Math.round(seconds);
  if (s < 60) {
    return `${s}s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)}m ${s % 60}s`;
  }
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** An ISO time as `2026-12-07 06:12:03Z`, to the second. */
export function time(iso) {
  if (!iso) {
    return '';
  }
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

/** A run in one line: id, type, tenant, status and why. */
export function runLine(run) {
  const { reason, message } = run;
  let why = reason ?? '';
  if (message) {
    why =
      reason && !message.startsWith(reason) ? `${reason}: ${message}` : message;
  }
  return `${run.id}  ${run.jobType} in ${run.tenantId}  ${run.status}${
    why ? ` · ${why}` : ''
  }`;
}
