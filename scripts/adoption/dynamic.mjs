// Turns the adoption app's backend from installed plugins to dynamic ones:
// its index.ts loads whatever is in the dynamic plugins root
// (dynamicPluginsFeatureLoader from @backstage/backend-dynamic-feature-service)
// instead of importing the two Tenant Jobs packages, and
// app-config.dynamic.yaml names that root.
//
// Usage: node scripts/adoption/dynamic.mjs <app dir> <dynamic plugins root>
import fs from 'node:fs';
import path from 'node:path';

const [appDir, pluginsRoot] = process.argv.slice(2).map(p => path.resolve(p));
const index = path.join(appDir, 'packages/backend/src/index.ts');
const text = fs.readFileSync(index, 'utf8');
const staticLines = [
  "backend.add(import('@tenant-jobs/plugin-tenant-jobs-backend'));",
  "backend.add(import('@tenant-jobs/plugin-scaffolder-backend-module-tenant-jobs'));",
];
if (!staticLines.every(line => text.includes(line))) {
  throw new Error(
    `${index} does not add the Tenant Jobs packages as wire-app.mjs left it`,
  );
}
let dynamic = text;
for (const line of staticLines) dynamic = dynamic.replace(`${line}\n`, '');
dynamic = dynamic
  .replace(
    "import { createBackend } from '@backstage/backend-defaults';",
    "import { createBackend } from '@backstage/backend-defaults';\nimport { dynamicPluginsFeatureLoader } from '@backstage/backend-dynamic-feature-service';",
  )
  .replace(
    'backend.start();',
    'backend.add(dynamicPluginsFeatureLoader);\n\nbackend.start();',
  );
fs.writeFileSync(index, dynamic);
fs.writeFileSync(
  path.join(appDir, 'app-config.dynamic.yaml'),
  `dynamicPlugins:\n  rootDirectory: ${JSON.stringify(pluginsRoot)}\n`,
);
const plugins = fs.readdirSync(pluginsRoot);
console.log(
  `backend loads ${
    plugins.length
  } dynamic plugins from ${pluginsRoot}: ${plugins.join(', ')}`,
);
