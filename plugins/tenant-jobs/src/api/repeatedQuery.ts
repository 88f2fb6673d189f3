/**
 * A query string in which a list repeats its parameter
 * (`tenantId=a&tenantId=b`), as the audit and usage routes read them;
 * empty values and lists are left out.
 */
export function repeatedQuery(
  query: Record<string, string | number | readonly string[] | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (typeof value === 'object') {
      for (const item of value) params.append(key, item);
    } else {
      params.set(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
