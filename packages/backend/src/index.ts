/*
 * The demo backend for Tenant Jobs: the plugins a platform team would run
 * beside the tenant-jobs plugins, on embedded defaults (SQLite in memory).
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// Software catalog, with the demo organisation from examples/
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// Software templates, with actions that launch tenant jobs (templates/)
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@tenant-jobs/plugin-scaffolder-backend-module-tenant-jobs'),
);

// Sign-in: guest, plus demo users for trying tenant isolation (dev only)
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('./modules/demoAuth'));

// Permissions, decided by this project's policy
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicy'));

// Events bus (catalog, signals and tenant-jobs triggers)
backend.add(import('@backstage/plugin-events-backend'));

// Tenant Jobs: submit and track tenants' Kubernetes jobs
backend.add(import('@tenant-jobs/plugin-tenant-jobs-backend'));
// The demo's extra job type (an H100 pool the local cluster lacks, so its
// runs wait as Unschedulable), and a history of finished runs when
// TENANT_JOBS_DEMO_HISTORY=<count> is set (the e2e suite sets 10000)
backend.add(import('./modules/demoJobTypes'));
backend.add(import('./modules/demoRunHistory'));

// Live updates to the browser, and notifications about runs
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));

// MCP clients (coding agents) list and call the actions of the plugins in
// backend.actions.pluginSources at /api/mcp-actions/v1, each call made with
// the caller's own Backstage token as a Bearer token (see the README)
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
