import type { TenantJobsDownload } from './types';

/**
 * The name in a `Content-Disposition: attachment; filename="..."` header,
 * without any directory, or undefined.
 */
export function fileNameOf(contentDisposition: string | null) {
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(
    contentDisposition ?? '',
  );
  if (!match) return undefined;
  let name = match[1];
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not percent-encoded: the name as sent.
  }
  return name.split(/[\\/]/).pop() || undefined;
}

/** A downloaded file: its name (the backend's, else `fallbackName`) and text. */
export async function downloadOf(
  response: Response,
  fallbackName: string,
): Promise<TenantJobsDownload> {
  return {
    fileName:
      fileNameOf(response.headers.get('Content-Disposition')) ?? fallbackName,
    contentType: response.headers.get('Content-Type') ?? 'text/plain',
    text: await response.text(),
  };
}
