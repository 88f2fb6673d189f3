#!/usr/bin/env node
// The make targets' commands (make help lists them): launch, list and
// follow tenant jobs, back up and restore a tenant's configuration, and
// check health, each as the user signed in with `backstage-cli auth login`
// (make login), with that user's permissions and plan limits.
//
//   node scripts/jobs/cli.mjs <command> [job type]   reads make variables
//
// Exit codes: 0 done (monitor: Succeeded), 1 refused or failed (monitor:
// Failed), 2 a variable is missing or wrong, 3 monitor: Cancelled,
// 4 not signed in.
import { ApiError, connect, NotSignedInError } from './client.mjs';
import { backupConfigs, restoreConfigs } from './configs.mjs';
import { healthCheck } from './health.mjs';
import { createJob, createTenantJobs } from './launch.mjs';
import { listJobs, monitorJob } from './runs.mjs';
import { UsageError, variablesFrom } from './variables.mjs';

const COMMANDS = {
  create: (client, variables, out, jobType) =>
    createJob(client, variables, jobType, out),
  'create-tenant-jobs': (client, variables, out) =>
    createTenantJobs(client, variables, out),
  'list-jobs': (client, variables, out) => listJobs(client, variables, out),
  'monitor-job': (client, variables, out) => monitorJob(client, variables, out),
  'backup-job-configs': (client, variables, out) =>
    backupConfigs(client, variables, out),
  'restore-job-configs': (client, variables, out) =>
    restoreConfigs(client, variables, out),
  'health-check': (client, variables, out) =>
    healthCheck(client, variables, out),
};

const out = {
  log: line => process.stdout.write(`${line}\n`),
  write: text => process.stdout.write(text),
};

/**
 * The stored sign-in to use: INSTANCE; else that of BACKEND_URL when it
 * is given (make login names an instance by its host and port); else the
 * one backstage-cli has selected.
 */
function instanceOf(variables) {
  if (variables.INSTANCE) {
    return variables.INSTANCE;
  }
  if (variables.BACKEND_URL) {
    try {
      return new URL(variables.BACKEND_URL).host;
    } catch {
      throw new UsageError(`BACKEND_URL=${variables.BACKEND_URL} is not a URL`);
    }
  }
  return undefined;
}

async function main([command, argument]) {
  const run = COMMANDS[command];
  if (!run) {
    throw new UsageError(
      `unknown command '${command ?? ''}'; one of ${Object.keys(COMMANDS).join(
        ', ',
      )}`,
    );
  }
  const variables = variablesFrom(process.env);
  const client = await connect({ instance: instanceOf(variables) });
  return run(client, variables, out, argument);
}

main(process.argv.slice(2)).then(
  code => {
    process.exitCode = code;
  },
  error => {
    process.stderr.write(`error: ${error.message}\n`);
    if (error instanceof UsageError) {
      process.exitCode = 2;
    } else if (error instanceof NotSignedInError) {
      process.exitCode = 4;
    } else if (error instanceof ApiError && error.status === 401) {
      process.stderr.write(
        'Your sign-in is no longer accepted (expired, or the backend forgot it on restart): make login\n',
      );
      process.exitCode = 4;
    } else {
      process.exitCode = 1;
    }
  },
);
