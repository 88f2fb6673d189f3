import { InputError, NotAllowedError } from '@backstage/errors';
import { isValidTenantId } from '@tenant-jobs/plugin-tenant-jobs-common';
import express from 'express';
import { TenantConfiguration } from '../usecases/TenantConfiguration';
import { RouteContext } from './context';
import { rejectQuery } from './listQuery';

/** Paths whose bodies may be YAML (see jsonBody). */
export const CONFIGURATION_PATH = /^\/tenants\/[^/]+\/configuration\/?$/;

/** `?dryRun=true` (a preview) or no query at all. */
function parseDryRun(query: Record<string, unknown>): boolean {
  const { dryRun, ...rest } = query ?? {};
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new InputError(
      `unknown query parameter(s) ${unknown
        .map(key => key.slice(0, 64))
        .join(', ')}; this route takes only dryRun`,
    );
  }
  if (dryRun === undefined) return false;
  if (dryRun !== 'true' && dryRun !== 'false') {
    throw new InputError('dryRun: must be true or false');
  }
  return dryRun === 'true';
}

/**
 * Export (`GET`) and import (`POST`, a YAML body) of a
 * tenant's schedules and triggers as one YAML document. Reading needs
 * `tenant-jobs.run.read` on the tenant, importing `tenant-jobs.run.create`;
 * imports are audited. `?dryRun=true` previews an import: what it would
 * create and every reason it would be refused, creating nothing.
 */
export function registerConfigurationRoutes(
  context: RouteContext,
  configuration: TenantConfiguration,
): void {
  const { access, route } = context;
  const audited = context.audit.audited;

  const tenantOf = (req: express.Request) => {
    const tenantId = req.params.tenantId;
    if (!isValidTenantId(tenantId)) {
      throw new InputError(`'${tenantId.slice(0, 64)}' is not a tenant id`);
    }
    return tenantId;
  };

  route(
    'get',
    '/tenants/:tenantId/configuration',
    undefined,
    async (req, res) => {
      const credentials = await access.user(req);
      const tenantId = tenantOf(req);
      if (!(await access.mayRead(credentials, tenantId))) {
        throw new NotAllowedError(
          `You may not read the configuration of tenant '${tenantId}': you are not a member of it`,
        );
      }
      rejectQuery(req.query);
      res
        .status(200)
        .type('application/yaml')
        .setHeader(
          'Content-Disposition',
          `attachment; filename="${tenantId}-tenant-jobs.yaml"`,
        );
      res.send(await configuration.exportYaml(tenantId));
    },
  );

  route(
    'post',
    '/tenants/:tenantId/configuration',
    'configuration-import',
    async (req, res) => {
      const credentials = await access.user(req);
      const actor = credentials.principal.userEntityRef;
      const tenantId = isValidTenantId(req.params.tenantId)
        ? req.params.tenantId
        : undefined;
      const result = await audited(
        'configuration-import',
        req,
        actor,
        { tenantId },
        async ctx => {
          const id = tenantOf(req);
          await access.requireMember(
            credentials,
            id,
            `You may not import the configuration of tenant '${id}': you are not a member of it`,
          );
          const dryRun = parseDryRun(req.query);
          if (typeof req.body !== 'string' || req.body.trim() === '') {
            throw new InputError(
              'Send the configuration as a YAML document (Content-Type: application/yaml)',
            );
          }
          if (dryRun) {
            const preview = await configuration.preview(req.body, id, actor);
            ctx.detail = {
              dryRun,
              schedules: preview.schedules.length,
              triggers: preview.triggers.length,
              problems: preview.problems.length,
            };
            return preview;
          }
          const counts = await configuration.importYaml(req.body, id, actor);
          ctx.detail = counts;
          return counts;
        },
      );
      res.status('dryRun' in result ? 200 : 201).json(result);
    },
  );
}
