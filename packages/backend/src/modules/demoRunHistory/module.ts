import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { insertHistory } from './history';

/** The environment variable that asks for a demo history, in runs. */
export const HISTORY_ENV = 'TENANT_JOBS_DEMO_HISTORY';

/**
 * Records a history of finished runs for Acme Warehouse ETL when
 * `TENANT_JOBS_DEMO_HISTORY=<count>` is set: the e2e suite starts the
 * backend with 10000 to measure the Jobs tab against a big table, and
 * `make dev` users can set it to see charts filled. Runs after the
 * plugin migrated its database (a startup hook); never in production.
 */
export const demoRunHistoryModule = createBackendModule({
  pluginId: 'tenant-jobs',
  moduleId: 'demo-run-history',
  register(reg) {
    reg.registerInit({
      deps: {
        database: coreServices.database,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
      },
      async init({ database, lifecycle, logger }) {
        const count = Number(process.env[HISTORY_ENV] ?? 0);
        if (!Number.isInteger(count) || count <= 0) return;
        if (process.env.NODE_ENV === 'production') {
          logger.warn(`${HISTORY_ENV} is ignored in production`);
          return;
        }
        lifecycle.addStartupHook(async () => {
          const started = Date.now();
          const db = await database.getClient();
          let inserted: number;
          try {
            inserted = await insertHistory(
              db,
              {
                tenantId: 'acme-analytics',
                entityRef: 'component:default/acme-warehouse-etl',
                namespace: 'tenant-acme-analytics',
                cluster: 'local',
                submitters: ['user:default/alice', 'user:default/carol'],
              },
              {
                count: Math.min(count, 100_000),
                now: Date.now(),
                archived: 50,
              },
            );
          } catch (error) {
            logger.error(
              `Could not record the demo history: ${String(error).slice(
                0,
                300,
              )}`,
            );
            return;
          }
          if (inserted === 0) {
            logger.info('The demo history of runs is recorded already');
            return;
          }
          logger.info(
            `Recorded a demo history of ${inserted} finished runs for component:default/acme-warehouse-etl in ${
              Date.now() - started
            } ms`,
          );
        });
      },
    });
  },
});
