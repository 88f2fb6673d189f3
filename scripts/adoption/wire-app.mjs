// Installs the packed plugins into a Backstage app as docs/install.md
// tells an adopter to: the backend plugin and scaffolder module in the
// backend, the frontend plugin (discovered through `app.packages: all`)
// and its scaffolder field in the app, and the minimal configuration
// (app-config.tenant-jobs.yaml) with one tenant Group in the catalog.
// The tarballs stand in for the registry: root `resolutions` point each
// package at its .tgz.
//
// Usage: node scripts/adoption/wire-app.mjs <app dir> <tarball dir>
import fs from 'node:fs';
import path from 'node:path';

const [appDir, tarballDir] = process.argv.slice(2).map(p => path.resolve(p));
const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file, json) =>
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);

function edit(file, change) {
  const before = fs.readFileSync(file, 'utf8');
  const after = change(before);
  if (after === before)
    throw new Error(`${file}: nothing to change, the app is not as expected`);
  fs.writeFileSync(file, after);
}

// The packages, as the registry would serve them
const tarballs = Object.fromEntries(
  fs
    .readdirSync(tarballDir)
    .filter(file => file.endsWith('.tgz'))
    .map(file => {
      const [, name, version] = file.match(/^(.*)-(\d+\.\d+\.\d+)\.tgz$/);
      return [
        name.replace(/^@tenant-jobs-/, '@tenant-jobs/'),
        { file, version },
      ];
    }),
);
const pkg = name => {
  const found = tarballs[name];
  if (!found) throw new Error(`no tarball of ${name} in ${tarballDir}`);
  return found;
};
const root = readJson(path.join(appDir, 'package.json'));
root.resolutions = {
  ...root.resolutions,
  ...Object.fromEntries(
    Object.entries(tarballs).map(([name, { file }]) => [
      name,
      `file:${path.join(tarballDir, file)}`,
    ]),
  ),
};
writeJson(path.join(appDir, 'package.json'), root);

function depend(workspace, names) {
  const file = path.join(appDir, workspace, 'package.json');
  const json = readJson(file);
  for (const name of names) json.dependencies[name] = `^${pkg(name).version}`;
  writeJson(file, json);
}
depend('packages/backend', [
  '@tenant-jobs/plugin-tenant-jobs-backend',
  '@tenant-jobs/plugin-scaffolder-backend-module-tenant-jobs',
]);
depend('packages/app', ['@tenant-jobs/plugin-tenant-jobs']);

// For the dynamic half of the test: the loader of dynamic plugins, not
// used until the backend's index.ts adds it (scripts/adoption/dynamic.mjs)
const backendManifest = path.join(appDir, 'packages/backend/package.json');
const backendJson = readJson(backendManifest);
backendJson.dependencies['@backstage/backend-dynamic-feature-service'] =
  process.env.DYNAMIC_FEATURE_SERVICE_RANGE ?? '^0.8.7';
writeJson(backendManifest, backendJson);

// Backend: two lines
edit(path.join(appDir, 'packages/backend/src/index.ts'), text =>
  text.replace(
    'backend.start();',
    [
      "backend.add(import('@tenant-jobs/plugin-tenant-jobs-backend'));",
      "backend.add(import('@tenant-jobs/plugin-scaffolder-backend-module-tenant-jobs'));",
      '',
      'backend.start();',
    ].join('\n'),
  ),
);

// App: the plugin comes through app.packages: all; the scaffolder field is
// a module to add
edit(path.join(appDir, 'packages/app/src/App.tsx'), text =>
  text
    .replace(
      "import { createApp } from '@backstage/frontend-defaults';",
      "import { createApp } from '@backstage/frontend-defaults';\nimport { tenantJobsScaffolderModule } from '@tenant-jobs/plugin-tenant-jobs';",
    )
    .replace('features: [', 'features: [tenantJobsScaffolderModule, '),
);

// One tenant: a Group with the annotation, its plan set by config
fs.writeFileSync(
  path.join(appDir, 'examples/tenant-jobs.yaml'),
  [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Group',
    'metadata:',
    '  name: data-team',
    '  annotations:',
    '    tenant-jobs.io/tenant-id: data-team',
    'spec:',
    '  type: team',
    '  children: []',
    '  members: [guest]',
    '',
  ].join('\n'),
);
fs.writeFileSync(
  path.join(appDir, 'app-config.tenant-jobs.yaml'),
  [
    '# Tenant Jobs, as docs/install.md of tenant-jobs describes it',
    'backend:',
    '  cors:',
    '    exposedHeaders: [Tenant-Jobs-Log-Source]',
    'catalog:',
    '  locations:',
    '    - type: file',
    '      target: ../../examples/tenant-jobs.yaml',
    '      rules:',
    '        - allow: [Group]',
    'tenantJobs:',
    '  clusters:',
    '    - name: main',
    '      auth:',
    '        type: kubeconfig',
    '        file: ${TENANT_JOBS_KUBECONFIG}',
    '  plans:',
    '    team:',
    '      maxTier: medium',
    '      maxConcurrentJobs: 2',
    "      quota: { cpu: '4', memory: 8Gi, pods: 5, jobs: 50 }",
    '  defaultPlan: team',
    '  tenants:',
    '    data-team: { plan: team, group: group:default/data-team }',
    '',
  ].join('\n'),
);
console.log(
  `wired ${
    Object.keys(tarballs).length
  } packages: backend plugin and scaffolder module, app plugin and field, app-config.tenant-jobs.yaml`,
);
