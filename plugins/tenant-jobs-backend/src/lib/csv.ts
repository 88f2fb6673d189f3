/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line
 * break. Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return
 * gets a leading `'`, so a spreadsheet opening the export never runs what
 * a caller wrote as a formula.
 */
export function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line of `fields`, ending in a line break. */
export function csvLine(
  fields: ReadonlyArray<string | number | boolean | undefined>,
): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
