import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { insertHistory, insertSpreadHistory } from './history';
import { historyTargets, WAREHOUSE_ETL } from './targets';

/** The environment variable that asks for a demo history, in runs. */
export const HISTORY_ENV = 'TENANT_JOBS_DEMO_HISTORY';

/**
 * The environment variable that spreads the history over tenants: `all`
 * (every tenant under `tenantJobs.tenants`) or a comma-separated list of
 * them. Unset, the history is Acme Warehouse ETL's alone.
 */
export const HISTORY_TENANTS_ENV = 'TENANT_JOBS_DEMO_HISTORY_TENANTS';

const MAX_RUNS = 100_000;

/**
 * Records a history of finished runs for Acme Warehouse ETL when
 * `TENANT_JOBS_DEMO_HISTORY=<count>` is set: the e2e suite starts the
 * backend with 10000 to measure the Jobs tab against a big table, and
 * `make dev` users can set it to see charts filled. With
 * `TENANT_JOBS_DEMO_HISTORY_TENANTS=all` the count is spread over every
 * configured tenant instead (`yarn bench:platform` records 100000 over
 * ten). Each run records its usage (its tier's requests times the time it
 * ran). Runs after the plugin migrated its database (a startup hook);
 * never in production.
 */
export const demoRunHistoryModule = createBackendModule({
  pluginId: 'tenant-jobs',
  moduleId: 'demo-run-history',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
      },
      async init({ config, database, lifecycle, logger }) {
        const count = Number(process.env[HISTORY_ENV] ?? 0);
        if (!Number.isInteger(count) || count <= 0) return;
        if (process.env.NODE_ENV === 'production') {
          logger.warn(`${HISTORY_ENV} is ignored in production`);
          return;
        }
        const spread = process.env[HISTORY_TENANTS_ENV]?.trim();
        const options = {
          count: Math.min(count, MAX_RUNS),
          now: Date.now(),
          archived: 50,
        };
        lifecycle.addStartupHook(async () => {
          const started = Date.now();
          const db = await database.getClient();
          let recorded: Array<{ tenantId: string; inserted: number }>;
          let what: string;
          try {
            if (spread) {
              const targets = historyTargets(
                config,
                spread === 'all'
                  ? undefined
                  : spread.split(',').map(id => id.trim()),
              );
              recorded = await insertSpreadHistory(db, targets, options);
              what = `${targets.length} tenants (${recorded
                .map(r => `${r.tenantId} ${r.inserted}`)
                .join(', ')})`;
            } else {
              recorded = [
                {
                  tenantId: WAREHOUSE_ETL.tenantId,
                  inserted: await insertHistory(db, WAREHOUSE_ETL, options),
                },
              ];
              what = WAREHOUSE_ETL.entityRef!;
            }
          } catch (error) {
            logger.error(
              `Could not record the demo history: ${String(error).slice(
                0,
                300,
              )}`,
            );
            return;
          }
          const inserted = recorded.reduce((sum, r) => sum + r.inserted, 0);
          if (inserted === 0) {
            logger.info('The demo history of runs is recorded already');
            return;
          }
          logger.info(
            `Recorded a demo history of ${inserted} finished runs for ${what} in ${
              Date.now() - started
            } ms`,
          );
        });
      },
    });
  },
});
