import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  JobTypeDefinition,
  tenantJobsPermissions,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { tenantJobsJobTypesExtensionPoint } from '@tenant-jobs/plugin-tenant-jobs-node';
import { TenantDirectory } from './catalog/TenantDirectory';
import { readTenantJobsConfig } from './config/readConfig';
import { openDatabase } from './database';
import { KubernetesTenantClusters } from './kubernetes';
import {
  durationTargets,
  readMonitoringConfig,
  TenantJobsObservability,
  tenantClusterState,
} from './metrics';
import {
  tenantJobsPermissionResourceRef,
  tenantJobsRules,
} from './permissions';
import { createTenantJobAuthorizer } from './permissions/authorizer';
import { createTenantJobResourceLoader } from './permissions/resourceLoader';
import { RunService } from './usecases/RunService';
import { JobTypeRegistry } from './usecases/JobTypeRegistry';
import { createHealthRouter } from './routes/healthRoutes';
import { NotFoundError } from '@backstage/errors';
import { TenantAccess } from './access';
import { AuditTrail } from './audit';
import { TenantService } from './usecases/TenantService';
import { createRouter } from './routes/router';
import { RunQueries } from './usecases/RunQueries';
import { RunQueue } from './usecases/RunQueue';
import { ScheduleService } from './usecases/ScheduleService';
import { TriggerService } from './usecases/TriggerService';
import { TenantConfiguration } from './usecases/TenantConfiguration';
import { RunBus, RunLifecycle } from './lifecycle';
import { TrackingService } from './tracking/TrackingService';
import { systemClock } from './lib/clock';
import { AuditLog } from './usecases/AuditLog';
import { PlatformOverview } from './usecases/PlatformOverview';
import { UsageReports } from './usecases/UsageReport';
import { registerTenantJobsActions } from './actions';
import { RunCommands } from './usecases/RunCommands';
import { ScheduleCommands } from './usecases/ScheduleCommands';
import { TenantJobsUseCases } from './routes/context';

/**
 * The Tenant Jobs backend plugin: REST API under /api/tenant-jobs.
 *
 * @public
 */
export const tenantJobsPlugin = createBackendPlugin({
  pluginId: 'tenant-jobs',
  register(env) {
    const addedJobTypes: JobTypeDefinition[] = [];
    env.registerExtensionPoint(tenantJobsJobTypesExtensionPoint, {
      addJobTypes(...jobTypes) {
        addedJobTypes.push(...jobTypes);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        signals: signalsServiceRef,
        notifications: notificationService,
        events: eventsServiceRef,
        metrics: metricsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const config = readTenantJobsConfig(deps.config);
        const jobTypes = new JobTypeRegistry({
          added: addedJobTypes,
          overrides: config.jobTypes,
        });
        const { runs, audit, archives, queue, schedules, triggers, usage } =
          await openDatabase({
            database: deps.database,
          });
        const tenants = new TenantDirectory({
          catalog: deps.catalog,
          auth: deps.auth,
          logger: deps.logger,
          config,
        });
        // Metrics, spans and readiness: see src/metrics and the README.
        const monitoring = readMonitoringConfig(deps.config);
        const observability = new TenantJobsObservability({
          metrics: deps.metrics,
          clusters: config.clusters.map(cluster => cluster.name),
          isKnownJobType: id => Boolean(jobTypes.get(id)),
          isKnownTenant: async id => Boolean(await tenants.getTenant(id)),
          database: await deps.database.getClient(),
          durationTargets: () => durationTargets(monitoring, jobTypes.list()),
          successObjective: monitoring.successObjective,
          watchStallSeconds: monitoring.watchStallSeconds,
        });
        const clusters = KubernetesTenantClusters.fromConfig(config.clusters, {
          logger: deps.logger,
          observe: observability.kubernetesObserver,
          queueMode: config.queue.mode,
          logTailBytes: config.tracking.logTailBytes,
        });
        // The one owner of every write to a run; its bus carries each
        // change once to metrics, signals, notifications, archive, queue.
        const lifecycle = new RunLifecycle({
          runs,
          queue,
          bus: new RunBus(deps.logger),
        });
        observability.subscribe(lifecycle.bus);
        const jobs = new RunService({
          config,
          jobTypes,
          tenants,
          runs,
          lifecycle,
          clusters,
          logger: deps.logger,
        });

        const loadResources = createTenantJobResourceLoader({ runs, tenants });
        deps.permissionsRegistry.addResourceType({
          resourceRef: tenantJobsPermissionResourceRef,
          permissions: tenantJobsPermissions,
          rules: Object.values(tenantJobsRules),
          getResources: loadResources,
        });
        const authorizer = createTenantJobAuthorizer({
          permissions: deps.permissions,
          ruleset: deps.permissionsRegistry.getPermissionRuleset(
            tenantJobsPermissionResourceRef,
          ),
          loadResources,
        });

        // Every decision about who may do what with a tenant and its runs.
        const access = new TenantAccess({
          httpAuth: deps.httpAuth,
          userInfo: deps.userInfo,
          permissions: deps.permissions,
          authorizer,
          tenants,
          adminGroups: config.adminGroups,
          getRun: async id => {
            try {
              return await runs.get(id);
            } catch (error) {
              if (error instanceof NotFoundError) return undefined;
              throw error;
            }
          },
        });

        const runQueue = new RunQueue({
          queue,
          runs,
          clusters,
          lifecycle,
          resolveTenant: tenantId => jobs.resolveTenant(tenantId),
          logger: deps.logger,
        });
        const scheduleService = new ScheduleService({
          config,
          jobs,
          jobTypes,
          schedules,
          runs,
          lifecycle,
          clusters,
          logger: deps.logger,
        });
        const triggerService = new TriggerService({
          jobs,
          jobTypes,
          triggers,
          tenants,
          events: deps.events,
          auditor: deps.auditor,
          audit,
          logger: deps.logger,
          topics: config.triggerTopics,
          observability,
        });
        deps.lifecycle.addStartupHook(() => triggerService.start());
        const tracking = new TrackingService({
          config,
          clusters: observability.trackedClusters(clusters),
          runs,
          lifecycle,
          archives,
          audit,
          jobs,
          queue: runQueue,
          schedules: scheduleService,
          tenants,
          signals: observability.countedSignals(deps.signals),
          notifications: observability.countedNotifications(deps.notifications),
          appBaseUrl: deps.config.getOptionalString('app.baseUrl'),
          logger: deps.logger,
        });
        const tenantService = new TenantService({
          tenants,
          runService: jobs,
          runs,
          clusters,
          logger: deps.logger,
          config,
          clusterState: name =>
            tenantClusterState(name, config.clusters, observability.health),
        });
        const usageReports = new UsageReports({ usage });
        await tracking.schedule(deps.scheduler);
        deps.lifecycle.addStartupHook(() => tracking.start());
        deps.lifecycle.addShutdownHook(() => tracking.stop());

        // The router itself refuses every caller who is not a signed-in
        // user (before any route runs), so that refusals with a missing or
        // forged token are audited like any other; the default policy
        // would turn them away unseen.
        deps.httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
        // GET /health first: it answers callers without credentials too
        // (whether the plugin is healthy; details only to the platform team).
        deps.httpRouter.use(
          createHealthRouter({
            health: observability.health,
            httpAuth: deps.httpAuth,
            access,
            logger: deps.logger,
          }),
        );
        const auditTrail = new AuditTrail({
          auditor: deps.auditor,
          store: audit,
          logger: deps.logger,
        });
        const useCases: TenantJobsUseCases = {
          runs: jobs,
          queries: new RunQueries({ runs, archives, clusters }),
          queue: runQueue,
          schedules: scheduleService,
          triggers: triggerService,
          configuration: new TenantConfiguration({
            schedules: scheduleService,
            scheduleStore: schedules,
            triggers: triggerService,
            triggerStore: triggers,
            planOf: async id => (await jobs.resolveTenant(id)).plan,
          }),
          tenants: tenantService,
          jobTypes,
          platform: new PlatformOverview({
            tenants: tenantService,
            usage,
            reports: usageReports,
            health: observability.health,
            clock: systemClock,
          }),
          auditLog: new AuditLog({ store: audit }),
          usage: usageReports,
        };
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            logger: deps.logger,
            access,
            audit: auditTrail,
            useCases,
            observability,
          }),
        );
        // The same use cases for agents and the CLI, acting as their
        // caller (MCP clients through the MCP actions backend; see README).
        registerTenantJobsActions({
          registry: deps.actionsRegistry,
          access,
          useCases,
          runs: new RunCommands({
            access,
            audit: auditTrail,
            runs: jobs,
            observability,
          }),
          schedules: new ScheduleCommands({
            access,
            audit: auditTrail,
            schedules: scheduleService,
          }),
        });
      },
    });
  },
});
