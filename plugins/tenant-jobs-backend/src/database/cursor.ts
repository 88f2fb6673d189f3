/** Where a page of runs ends: the last run's submission time and id. */
export type RunCursor = { createdAt: number; id: string };

/** An opaque, URL-safe cursor. */
export function encodeCursor(cursor: RunCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString(
    'base64url',
  );
}

/** The cursor, or undefined when `value` is not one this API returned. */
export function decodeCursor(value: string): RunCursor | undefined {
  if (value.length > 512) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      Number.isSafeInteger(parsed[0]) &&
      typeof parsed[1] === 'string' &&
      parsed[1].length <= 128
    ) {
      const cursor = { createdAt: parsed[0], id: parsed[1] };
      // Only the exact text this API wrote: the decoder skips what
      // base64url has not.
      return encodeCursor(cursor) === value ? cursor : undefined;
    }
  } catch {
    // not JSON: not ours
  }
  return undefined;
}
