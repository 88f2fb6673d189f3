/**
 * Frontend plugin of Tenant Jobs: a tenant's Kubernetes batch jobs on
 * catalog entities and on a portal page.
 *
 * @packageDocumentation
 */
export * from './api';
export * from './scaffolder';
