// Moves a Backstage app created by @backstage/create-app to the Backstage
// release this repository is built on, offline from versions.backstage.io:
// each @backstage/* dependency gets the version this repository's
// packages declare (or its yarn.lock holds); one the repository does not
// use gets the newest version published by the release's day. Also pins
// better-sqlite3 13 (12 aborts on Node 24). With internet access,
// `yarn backstage-cli versions:bump --release <version>` does the same.
//
// Usage: node scripts/adoption/bump-release.mjs <app dir>
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../..',
);
const appDir = path.resolve(process.argv[2]);
const SECTIONS = ['dependencies', 'devDependencies'];

const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const release = readJson(path.join(root, 'backstage.json')).version;

/** Versions the repository's own packages declare, else its lockfile holds. */
function repositoryVersions() {
  const versions = new Map();
  const lock = fs.readFileSync(path.join(root, 'yarn.lock'), 'utf8');
  for (const [, name, version] of lock.matchAll(
    /resolution: "(@backstage\/[^@"]+)@npm:([^"]+)"/g,
  )) {
    const known = versions.get(name);
    if (!known || compare(version, known) > 0) versions.set(name, version);
  }
  const manifests = [
    'package.json',
    'packages/app/package.json',
    'packages/backend/package.json',
  ];
  for (const manifest of manifests) {
    const json = readJson(path.join(root, manifest));
    for (const section of SECTIONS) {
      for (const [name, range] of Object.entries(json[section] ?? {})) {
        const exact = range.replace(/^[\^~]/, '');
        if (name.startsWith('@backstage/') && /^\d+\.\d+\.\d+$/.test(exact)) {
          versions.set(name, exact);
        }
      }
    }
  }
  return versions;
}

function compare(a, b) {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) {
    if (pa[i] !== pb[i]) return pa[i] - pb[i];
  }
  return 0;
}

/** The newest stable version of `name` published by `cutoff`. */
async function versionAt(name, cutoff) {
  const { stdout } = await run('npm', ['view', name, 'time', '--json'], {
    maxBuffer: 32 * 1024 * 1024,
  });
  const times = JSON.parse(stdout);
  const candidates = Object.entries(times)
    .filter(
      ([version, time]) =>
        /^\d+\.\d+\.\d+$/.test(version) && new Date(time) <= cutoff,
    )
    .map(([version]) => version)
    .sort(compare);
  if (candidates.length === 0)
    throw new Error(`no version of ${name} by ${cutoff.toISOString()}`);
  return candidates[candidates.length - 1];
}

async function main() {
  const versions = repositoryVersions();
  // The release's day: when its backend-defaults was published, plus a day
  const defaults = versions.get('@backstage/backend-defaults');
  const { stdout } = await run(
    'npm',
    ['view', '@backstage/backend-defaults', 'time', '--json'],
    {
      maxBuffer: 32 * 1024 * 1024,
    },
  );
  const published = JSON.parse(stdout)[defaults];
  if (!published)
    throw new Error(
      `@backstage/backend-defaults ${defaults} is not on the registry`,
    );
  const cutoff = new Date(new Date(published).getTime() + 24 * 3600 * 1000);

  const manifests = [
    'package.json',
    'packages/app/package.json',
    'packages/backend/package.json',
  ]
    .map(file => path.join(appDir, file))
    .filter(file => fs.existsSync(file));
  const wanted = new Set();
  for (const file of manifests) {
    const json = readJson(file);
    for (const section of SECTIONS) {
      for (const name of Object.keys(json[section] ?? {})) {
        if (name.startsWith('@backstage/')) wanted.add(name);
      }
    }
  }
  const missing = [...wanted].filter(name => !versions.has(name));
  const looked = await Promise.all(
    missing.map(async name => [name, await versionAt(name, cutoff)]),
  );
  for (const [name, version] of looked) versions.set(name, version);

  let changed = 0;
  for (const file of manifests) {
    const json = readJson(file);
    for (const section of SECTIONS) {
      for (const [name, range] of Object.entries(json[section] ?? {})) {
        if (
          name.startsWith('@backstage/') &&
          range !== `^${versions.get(name)}`
        ) {
          json[section][name] = `^${versions.get(name)}`;
          changed += 1;
        }
        if (name === 'better-sqlite3') json[section][name] = '^13.0.0';
      }
    }
    if (path.dirname(file) === appDir) {
      json.resolutions = { ...json.resolutions, 'better-sqlite3': '^13.0.0' };
    }
    fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  }
  fs.writeFileSync(
    path.join(appDir, 'backstage.json'),
    `${JSON.stringify({ version: release }, null, 2)}\n`,
  );
  console.log(
    `Backstage ${release}: ${changed} dependencies moved (${
      looked.length
    } by publish date up to ${cutoff.toISOString()}); better-sqlite3 ^13`,
  );
}

main().catch(error => {
  console.error(error.message);
  process.exit(1);
});
