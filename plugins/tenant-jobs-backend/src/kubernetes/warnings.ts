/**
 * The texts of the apiserver's `Warning` headers (RFC 7234 form
 * `299 - "text"`; several are joined with `, ` by the fetch library).
 */
export function parseWarningHeader(header: string | undefined): string[] {
  if (!header) return [];
  const warnings: string[] = [];
  const pattern = /\d{3} \S+ "((?:[^"\\]|\\.)*)"/g;
  for (let match = pattern.exec(header); match; match = pattern.exec(header)) {
    warnings.push(match[1].replace(/\\(.)/g, '$1'));
  }
  return warnings;
}

/** The warnings of a client-node `...WithHttpInfo` response. */
export function readWarnings(response: {
  headers?: Record<string, string>;
}): string[] {
  const headers = response.headers ?? {};
  const key = Object.keys(headers).find(k => k.toLowerCase() === 'warning');
  return key ? parseWarningHeader(headers[key]) : [];
}

/**
 * The Pod Security warnings among `warnings`, e.g. `would violate
 * PodSecurity "restricted:latest": runAsNonRoot != true (...)`. On a Job
 * in a namespace whose warn level equals its enforce level (as in tenant
 * namespaces), each means the Job's pods would be refused.
 */
export function podSecurityWarnings(warnings: string[]): string[] {
  return warnings.filter(w => /would violate PodSecurity/.test(w));
}
