// Self-check of scripts/architecture-report.mjs against small fixture
// folders written to the OS temp dir. Run with `node --test scripts/`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(
  new URL('./architecture-report.mjs', import.meta.url),
);

function run(...args) {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], {
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(...args) {
  const r = run(...args, '--json');
  assert.equal(r.stderr.includes('Error'), false, r.stderr);
  return { ...r, report: JSON.parse(r.stdout) };
}

function writeTree(root, files) {
  for (const [rel, text] of Object.entries(files)) {
    const full = path.join(root, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }
}

// alpha -> beta -> gamma -> alpha is the one cycle. alpha -> delta is
// type-only except for a test file's import, which only --with-tests sees;
// likewise gamma -> epsilon, from a __testUtils__ folder.
const CYCLIC = {
  'index.ts':
    "export * from './alpha';\nexport { createRouter } from './service/router';\n",
  'alpha/index.ts': "export { a } from './a';\n",
  'alpha/a.ts':
    "import { b } from '../beta/b';\nimport type { T } from '../delta';\nexport const a = (t?: T) => b;\n",
  'alpha/a.test.ts': "import { d } from '../delta';\nvoid d;\n",
  'beta/b.ts':
    "import type { G } from '../gamma/g';\nexport const b = 1 as unknown as G;\n",
  'gamma/g.ts':
    "import { a } from '../alpha';\nexport type G = number;\nexport const g = () => a;\n",
  'gamma/__testUtils__/helper.ts': "export * from '../../epsilon/e';\n",
  'epsilon/e.ts': 'export const e = 1;\n',
  'delta/index.ts':
    "import { e } from '../epsilon/e.js';\nexport type T = string;\nexport const d = e;\n",
  'service/router.ts': [
    "import type { Logger } from '../delta';",
    'interface Base {',
    '  logger: Logger;',
    '}',
    'export interface RouterOptions extends Base {',
    '  database: unknown;',
    '  config?: { a: string; b: string };',
    '  onError(e: Error): void;',
    '}',
    'export async function createRouter(options: RouterOptions) {',
    '  return options;',
    '}',
    '',
  ].join('\n'),
};

// No cycle; createRouter takes an inline literal, exported through a list.
const ACYCLIC = {
  'plugin.ts':
    "import { createRouter } from './service/router';\nvoid createRouter;\n",
  'service/router.ts': [
    "import { read } from '../config/read';",
    'const createRouter = async (opts: { a: number; b?: string }) => read(opts);',
    'export { createRouter };',
    '',
  ].join('\n'),
  'config/read.ts': 'export const read = (x: unknown) => x;\n',
  'config/big.ts': 'export const x = 1;\n'.repeat(40),
};

let tmp;
let cyclic;
let acyclic;
let empty;

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'architecture-report-'));
  cyclic = path.join(tmp, 'cyclic', 'src');
  acyclic = path.join(tmp, 'acyclic', 'src');
  empty = path.join(tmp, 'empty', 'src');
  writeTree(cyclic, CYCLIC);
  writeTree(acyclic, ACYCLIC);
  writeTree(empty, { 'index.ts': 'export const nothing = 1;\n' });
});

after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('architecture-report', () => {
  test('folder graph leaves tests out by default', () => {
    const { code, report } = json(cyclic);
    assert.equal(code, 0);
    assert.deepEqual(report.folders, [
      '.',
      'alpha',
      'beta',
      'delta',
      'epsilon',
      'gamma',
      'service',
    ]);
    assert.deepEqual(Object.keys(report.graph['.']), ['alpha', 'service']);
    assert.deepEqual(Object.keys(report.graph.alpha), ['beta', 'delta']);
    assert.equal(report.graph.alpha.delta.typeOnly, true);
    assert.equal(report.graph.beta.gamma.typeOnly, true);
    assert.equal(report.graph.gamma.alpha.typeOnly, false);
    // `../epsilon/e.js` resolves to e.ts
    assert.deepEqual(Object.keys(report.graph.delta), ['epsilon']);
    assert.deepEqual(Object.keys(report.graph.gamma), ['alpha']);
    assert.deepEqual(report.unresolvedImports, []);
    assert.equal(report.files.source, 8);
    assert.equal(report.files.test, 2);
  });

  test('finds the cycle with one example import per edge', () => {
    const { report } = json(cyclic);
    assert.equal(report.cycles.length, 1);
    assert.deepEqual(report.cycles[0].folders, ['alpha', 'beta', 'gamma']);
    assert.equal(report.cycles[0].cycles.length, 1);
    const [cycle] = report.cycles[0].cycles;
    assert.deepEqual(cycle.path, ['alpha', 'beta', 'gamma', 'alpha']);
    assert.deepEqual(
      cycle.edges.map(e => [e.from, e.to, e.example.file, e.example.specifier]),
      [
        ['alpha', 'beta', 'alpha/a.ts', '../beta/b'],
        ['beta', 'gamma', 'beta/b.ts', '../gamma/g'],
        ['gamma', 'alpha', 'gamma/g.ts', '../alpha'],
      ],
    );

    const text = run(cyclic);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /cycle: alpha -> beta -> gamma -> alpha/);
    assert.match(
      text.stdout,
      /alpha -> beta \(alpha\/a\.ts imports \.\.\/beta\/b\)/,
    );
    assert.match(
      text.stdout,
      /gamma -> alpha \(gamma\/g\.ts imports \.\.\/alpha\)/,
    );
  });

  test('--with-tests adds the edges from test files and test folders', () => {
    const { report } = json(cyclic, '--with-tests');
    assert.equal(report.withTests, true);
    assert.deepEqual(Object.keys(report.graph.gamma), ['alpha', 'epsilon']);
    assert.equal(report.cycles.length, 1);
    // alpha -> delta now has a value import (the test), so it is not type-only
    assert.equal(report.graph.alpha.delta.typeOnly, false);
  });

  test('--fail-on-cycles exits 1 naming the cycle, 0 without cycles', () => {
    const failing = run(cyclic, '--fail-on-cycles');
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, /\{alpha, beta, gamma\}/);
    assert.match(failing.stderr, /alpha -> beta -> gamma -> alpha/);

    const passing = run(acyclic, '--fail-on-cycles');
    assert.equal(passing.code, 0, passing.stderr);
    assert.match(passing.stdout, /2\. Folder cycles: none/);
  });

  test('counts createRouter options of a named interface, with extends', () => {
    const { report } = json(cyclic);
    assert.equal(report.createRouter.length, 1);
    const [r] = report.createRouter;
    assert.equal(r.file, 'service/router.ts');
    assert.equal(r.optionCount, 4);
    assert.equal(r.required, 3);
    assert.equal(r.optional, 1);
    assert.deepEqual(r.properties.map(p => p.name).sort(), [
      'config',
      'database',
      'logger',
      'onError',
    ]);
    assert.match(r.typeSource, /interface RouterOptions/);
  });

  test('counts createRouter options of an inline literal', () => {
    const { report } = json(acyclic);
    assert.equal(report.createRouter[0].optionCount, 2);
    assert.equal(report.createRouter[0].typeSource, 'inline type literal');
  });

  test('reports createRouter as not found', () => {
    const { report } = json(empty);
    assert.equal(report.createRouter, null);
    assert.match(run(empty).stdout, /createRouter options: not found/);
  });

  test('lists the largest non-test files by line count', () => {
    const { report } = json(acyclic);
    assert.deepEqual(report.largestFiles[0], {
      file: 'config/big.ts',
      lines: 40,
    });
    const cyclicReport = json(cyclic).report;
    assert.ok(cyclicReport.largestFiles.length <= 10);
    assert.ok(
      cyclicReport.largestFiles.every(
        f => !f.file.includes('.test.') && !f.file.includes('__testUtils__'),
      ),
    );
  });

  test('refuses a missing folder and unknown flags with exit code 2', () => {
    assert.equal(run(path.join(tmp, 'nope')).code, 2);
    assert.equal(run(cyclic, '--nope').code, 2);
  });
});
