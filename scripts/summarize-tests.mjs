// Prints what each stage of `make test` did and, last, one line of totals
// over all suites: `N passed, N failed`. Exits non-zero when anything failed.
// A check (type-check, lint) counts as one test; a jest stage counts its
// tests, and as one failure when it failed without writing a report.
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const stagesFile = path.join(dir, 'stages.tsv');
const stages = fs.existsSync(stagesFile)
  ? fs
      .readFileSync(stagesFile, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(line => {
        const [name, kind, rc, seconds] = line.split('\t');
        return { name, kind, rc: Number(rc), seconds: Number(seconds) };
      })
  : [];

let passed = 0;
let failed = 0;
let skipped = 0;
console.log('\nTest summary');
for (const stage of stages) {
  let p = 0;
  let f = 0;
  let s = 0;
  let note = '';
  if (stage.kind === 'check') {
    if (stage.rc === 0) p = 1;
    else f = 1;
  } else {
    const report = path.join(dir, `${stage.name}.json`);
    if (fs.existsSync(report)) {
      const r = JSON.parse(fs.readFileSync(report, 'utf8'));
      p = r.numPassedTests;
      f = r.numFailedTests;
      s = r.numPendingTests + (r.numTodoTests ?? 0);
      if (r.numRuntimeErrorTestSuites > 0) {
        f += r.numRuntimeErrorTestSuites;
        note = ` (${r.numRuntimeErrorTestSuites} suite(s) failed to run)`;
      }
      if (stage.rc !== 0 && f === 0) {
        f = 1;
        note = ` (exited ${stage.rc})`;
      }
    } else {
      f = 1;
      note = ` (exited ${stage.rc} without a report)`;
    }
  }
  passed += p;
  failed += f;
  skipped += s;
  const status = f > 0 ? 'FAIL' : 'ok  ';
  console.log(
    `  ${status} ${stage.name.padEnd(12)} ${p} passed, ${f} failed` +
      `${s ? `, ${s} skipped` : ''}${note}  [${stage.seconds}s]`,
  );
}
console.log(
  `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
process.exit(failed > 0 || stages.length === 0 ? 1 : 0);
