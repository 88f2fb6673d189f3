import { PRIORITIES, TIERS } from '@tenant-jobs/plugin-tenant-jobs-common';
import { RouteContext } from './context';
import { rejectQuery } from './listQuery';

/**
 * What a signed-in user may launch: job types, tiers, priorities, and
 * their own tenants with plan, namespace, active runs and quota use.
 */
export function registerCatalogRoutes(context: RouteContext): void {
  const { access, useCases, route } = context;

  route('get', '/job-types', undefined, async (req, res) => {
    await access.user(req);
    rejectQuery(req.query);
    res.json({ items: useCases.jobTypes.describe() });
  });

  route('get', '/tiers', undefined, async (req, res) => {
    await access.user(req);
    rejectQuery(req.query);
    res.json({ items: TIERS });
  });

  route('get', '/priorities', undefined, async (req, res) => {
    await access.user(req);
    rejectQuery(req.query);
    res.json({ items: PRIORITIES });
  });

  route('get', '/tenants', undefined, async (req, res) => {
    const credentials = await access.user(req);
    rejectQuery(req.query);
    const items = await useCases.tenants.summariesFor(
      await access.ownership(credentials),
    );
    res.json({ items });
  });
}
