import type { TenantJobStats } from './runDetail';

/**
 * Width of the time buckets `GET /stats?bucket=` splits its window into.
 * Buckets are aligned in UTC: whole hours, days from midnight, weeks from
 * Monday.
 *
 * @public
 */
export type TenantJobStatsBucketSize = 'hour' | 'day' | 'week';

/**
 * The bucket sizes `GET /stats` accepts.
 *
 * @public
 */
export const TENANT_JOB_STATS_BUCKET_SIZES: readonly TenantJobStatsBucketSize[] =
  Object.freeze(['hour', 'day', 'week'] as TenantJobStatsBucketSize[]);

/**
 * The figures of the runs submitted within one bucket, per tenant and job
 * type. `from` is inclusive, `to` exclusive (ISO 8601).
 *
 * @public
 */
export interface TenantJobStatsBucket {
  from: string;
  to: string;
  items: TenantJobStats[];
}

/**
 * The answer of `GET /stats`: totals over the window, and with `bucket`
 * the same figures per bucket, oldest first, empty buckets included.
 *
 * @public
 */
export interface TenantJobStatsResponse {
  from: string;
  to?: string;
  items: TenantJobStats[];
  bucket?: TenantJobStatsBucketSize;
  buckets?: TenantJobStatsBucket[];
}
