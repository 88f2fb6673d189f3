// backup-job-configs and restore-job-configs: a tenant's schedules and
// trigger rules as the YAML document the portal's backup downloads, and
// that document restored, previewed first, all or nothing.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { required, flag, UsageError } from './variables.mjs';

const require = createRequire(import.meta.url);

/** `<tenant>-tenant-jobs-<UTC time>.yaml` under backups/. */
export function defaultBackupFile(tenantId, now = new Date()) {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, 'Z');
  return path.join('backups', `${tenantId}-tenant-jobs-${stamp}.yaml`);
}

/** backup-job-configs: writes TENANT_ID's configuration to BACKUP_FILE. */
export async function backupConfigs(client, variables, out) {
  const tenantId = required(
    variables,
    'TENANT_ID',
    'the tenant whose schedules and trigger rules to back up',
  );
  const response = await client.request(['tenants', tenantId, 'configuration']);
  const document = await response.text();
  const file = variables.BACKUP_FILE || defaultBackupFile(tenantId);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, document);
  const { parse } = require('yaml');
  const parsed = parse(document) ?? {};
  out.log(
    `Backed up ${parsed.schedules?.length ?? 0} schedules and ${
      parsed.triggers?.length ?? 0
    } trigger rules of ${tenantId} to ${file}`,
  );
  out.log(`Restore: make restore-job-configs BACKUP_FILE=${file}`);
  return 0;
}

/** The tenant a backup is for: TENANT_ID, else the document's `tenant`. */
export function tenantOf(variables, document) {
  if (variables.TENANT_ID) {
    return variables.TENANT_ID;
  }
  const { parse } = require('yaml');
  let parsed;
  try {
    parsed = parse(document);
  } catch (error) {
    throw new UsageError(`BACKUP_FILE is not YAML: ${error.message}`);
  }
  const tenant = parsed?.tenant;
  if (typeof tenant !== 'string' || tenant === '') {
    throw new UsageError(
      'the document names no tenant: set TENANT_ID to the tenant to restore into',
    );
  }
  return tenant;
}

function describe(item) {
  const when = item.cron
    ? `at '${item.cron}'${item.timeZone ? ` (${item.timeZone})` : ''}${
        item.paused ? ', paused' : ''
      }`
    : `on topic '${item.topic}'`;
  return `${item.jobType} ${when}`;
}

/**
 * restore-job-configs: previews BACKUP_FILE (what would be created, every
 * reason it would be refused), stops there with DRY_RUN=true or on a
 * problem, else imports it.
 */
export async function restoreConfigs(client, variables, out) {
  const file = required(
    variables,
    'BACKUP_FILE',
    'the YAML file backup-job-configs wrote',
  );
  let document;
  try {
    document = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`BACKUP_FILE=${file}: ${error.message}`);
  }
  const tenantId = tenantOf(variables, document);
  const send = dryRun =>
    client
      .request(['tenants', tenantId, 'configuration'], {
        method: 'POST',
        query: { dryRun: dryRun ? 'true' : undefined },
        headers: { 'Content-Type': 'application/yaml' },
        body: document,
      })
      .then(response => response.json());

  const preview = await send(true);
  out.log(`Preview of ${file} for ${tenantId}:`);
  for (const schedule of preview.schedules ?? []) {
    out.log(`  schedule ${describe(schedule)}`);
  }
  for (const trigger of preview.triggers ?? []) {
    out.log(`  trigger rule ${describe(trigger)}`);
  }
  if ((preview.problems ?? []).length > 0) {
    out.log('Refused, nothing was created:');
    for (const problem of preview.problems) {
      out.log(`  - ${problem}`);
    }
    return 1;
  }
  if (flag(variables, 'DRY_RUN')) {
    out.log('Dry run: nothing was created.');
    return 0;
  }
  const created = await send(false);
  out.log(
    `Restored ${created.schedules} schedules and ${created.triggers} trigger rules into ${tenantId}`,
  );
  return 0;
}
