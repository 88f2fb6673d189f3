/*
 * @tenant-jobs/test-cluster: helpers for tests against the local Kubernetes
 * (scripts/cluster/cluster.sh up) and the integration tests that prove it
 * behaves like a real cluster.
 */
export * from './cluster';
export * from './jobs';
