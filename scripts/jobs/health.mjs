// health-check: is the backend up, is Tenant Jobs ready, who am I to it,
// and (for the platform team) each cluster. One line per check.

/** Runs the checks in order; 1 when any failed. */
export async function healthCheck(client, variables, out) {
  let failed = 0;
  const report = (ok, what, detail) => {
    if (!ok) {
      failed += 1;
    }
    out.log(`${ok ? 'ok  ' : 'FAIL'}  ${what}${detail ? `: ${detail}` : ''}`);
  };
  const attempt = async (what, check) => {
    try {
      await check();
    } catch (error) {
      report(false, what, error.message);
    }
  };

  await attempt('backend', async () => {
    const ready = await client.probe('/.backstage/health/v1/readiness');
    report(
      ready.ok,
      'backend',
      `${client.baseUrl} ${ready.ok ? 'ready' : `answers ${ready.status}`}`,
    );
  });
  await attempt('tenant-jobs', async () => {
    const health = await client.probe('/api/tenant-jobs/health');
    report(
      health.ok,
      'tenant-jobs',
      health.body?.status ?? `answers ${health.status}`,
    );
  });
  let me;
  await attempt('signed in', async () => {
    me = await client.request(['me']).then(r => r.json());
    report(
      true,
      'signed in',
      `${me.userEntityRef}${me.admin ? ' (platform team)' : ''}, tenants ${
        me.tenantIds.join(', ') || 'none'
      }`,
    );
  });
  await attempt('actions', async () => {
    const { jobTypes } = await client.invoke('list-job-types');
    report(true, 'actions', `${jobTypes.length} job types`);
  });
  if (me?.admin) {
    await attempt('clusters', async () => {
      const { items } = await client
        .request(['admin', 'clusters'])
        .then(r => r.json());
      for (const cluster of items) {
        report(
          cluster.reachable,
          `cluster ${cluster.name}`,
          cluster.reachable
            ? `reachable, its watches last heard ${Math.round(
                cluster.watchLagSeconds,
              )}s ago`
            : cluster.lastError ?? 'unreachable',
        );
      }
    });
  }
  return failed > 0 ? 1 : 0;
}
