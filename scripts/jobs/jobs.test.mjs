// Unit tests of the job commands' own logic (node --test): variables,
// formats, filters and monitor-job's exit codes. The commands against a
// running portal: packages/e2e-tests/src/makeTargets.e2e.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultBackupFile, tenantOf } from './configs.mjs';
import { duration, runLine, table } from './format.mjs';
import { tierFor } from './launch.mjs';
import { EXIT_CODES, listInput, monitorJob } from './runs.mjs';
import {
  flag,
  parametersFrom,
  UsageError,
  variableName,
  variablesFrom,
} from './variables.mjs';

const ML_SCHEMA = {
  type: 'object',
  properties: {
    model: {
      type: 'string',
      description: 'Name of the model to train.',
      examples: ['recommender-v2'],
    },
    epochs: { type: 'integer', default: 10 },
    learningRate: { type: 'number', default: 0.001 },
    distributed: { type: 'boolean', default: false },
  },
  required: ['model'],
};

describe('variables', () => {
  it('names a parameter in upper snake case', () => {
    assert.equal(variableName('model'), 'MODEL');
    assert.equal(variableName('learningRate'), 'LEARNING_RATE');
    assert.equal(variableName('retentionDays'), 'RETENTION_DAYS');
  });

  it("reads only the variables given on make's command line", () => {
    const env = {
      TENANT_JOBS_CLI_VARIABLES: 'EPOCHS TENANT_ID',
      EPOCHS: '3',
      TENANT_ID: 'acme',
      MODEL: 'left-in-the-shell',
    };
    assert.deepEqual(variablesFrom(env), { EPOCHS: '3', TENANT_ID: 'acme' });
    assert.equal(variablesFrom({ MODEL: 'x' }).MODEL, 'x');
  });

  it('converts parameters to the types their schema asks for', () => {
    const { parameters, sources } = parametersFrom(
      {
        MODEL: 'resnet',
        EPOCHS: '3',
        LEARNING_RATE: '0.01',
        DISTRIBUTED: 'yes',
      },
      ML_SCHEMA,
    );
    assert.deepEqual(parameters, {
      model: 'resnet',
      epochs: 3,
      learningRate: 0.01,
      distributed: true,
    });
    assert.equal(sources.length, 4);
  });

  it('names the variable of a missing required parameter, with an example', () => {
    assert.throws(
      () => parametersFrom({ EPOCHS: '3' }, ML_SCHEMA),
      new UsageError(
        'set MODEL (name of the model to train, e.g. recommender-v2)',
      ),
    );
  });

  it('fills required parameters from their first example when asked', () => {
    const { parameters } = parametersFrom({}, ML_SCHEMA, { examples: true });
    assert.deepEqual(parameters, { model: 'recommender-v2' });
  });

  it('refuses a value of the wrong type', () => {
    assert.throws(
      () => parametersFrom({ MODEL: 'm', EPOCHS: 'three' }, ML_SCHEMA),
      /EPOCHS=three: expected a number/,
    );
    assert.throws(() => flag({ DRY_RUN: 'maybe' }, 'DRY_RUN'), UsageError);
    assert.equal(flag({ DRY_RUN: 'true' }, 'DRY_RUN'), true);
    assert.equal(flag({}, 'DRY_RUN'), false);
  });
});

describe('list-jobs', () => {
  it('turns FILTER, TENANT_ID, JOB_TYPE and LIMIT into the list-runs input', () => {
    assert.deepEqual(listInput({ FILTER: 'running', TENANT_ID: 'acme' }), {
      status: ['Running'],
      tenantId: ['acme'],
      limit: 20,
    });
    assert.deepEqual(listInput({ FILTER: 'active', LIMIT: '5' }), {
      status: ['Queued', 'Pending', 'Running'],
      limit: 5,
    });
    assert.deepEqual(listInput({}), { limit: 20 });
    assert.throws(
      () => listInput({ FILTER: 'done' }),
      /FILTER=done: one of all/,
    );
    assert.throws(() => listInput({ LIMIT: '500' }), /LIMIT=500/);
  });
});

describe('format', () => {
  it('aligns a table under its header', () => {
    const text = table(
      [
        { key: 'id', title: 'RUN' },
        { key: 'status', title: 'STATUS' },
      ],
      [
        { id: 'a1', status: 'Running' },
        { id: 'b22222', status: 'Failed' },
      ],
    );
    assert.equal(
      text,
      [
        'RUN     STATUS',
        '------  -------',
        'a1      Running',
        'b22222  Failed',
      ].join('\n'),
    );
  });

  it('writes durations and a run in words', () => {
    assert.equal(duration(3), '3s');
    assert.equal(duration(75), '1m 15s');
    assert.equal(duration(3725), '1h 2m');
    assert.equal(duration(undefined), '');
    const run = {
      id: 'r1',
      jobType: 'data-etl',
      tenantId: 'acme',
      status: 'Running',
    };
    assert.equal(
      runLine({
        ...run,
        reason: 'Running',
        message: 'Running (attempt 1 of 4).',
      }),
      'r1  data-etl in acme  Running · Running (attempt 1 of 4).',
    );
    assert.equal(
      runLine({
        ...run,
        status: 'Failed',
        reason: 'OOMKilled',
        message: 'out of memory',
      }),
      'r1  data-etl in acme  Failed · OOMKilled: out of memory',
    );
  });
});

describe('create-tenant-jobs', () => {
  it('runs a job type on its default tier, else the largest the plan allows', () => {
    const ml = {
      defaultTier: 'xlarge',
      allowedTiers: ['large', 'xlarge', 'enterprise'],
    };
    assert.equal(tierFor(ml, { maxTier: 'enterprise' }), 'xlarge');
    assert.equal(tierFor(ml, { maxTier: 'large' }), 'large');
    assert.equal(tierFor(ml, { maxTier: 'medium' }), undefined);
    assert.equal(
      tierFor({ defaultTier: 'large' }, { maxTier: 'medium' }),
      'medium',
    );
  });
});

describe('configs', () => {
  it('restores into the tenant the document names unless TENANT_ID says', () => {
    assert.equal(tenantOf({}, 'tenant: acme\nschedules: []\n'), 'acme');
    assert.equal(tenantOf({ TENANT_ID: 'globex' }, 'tenant: acme\n'), 'globex');
    assert.throws(() => tenantOf({}, 'schedules: []\n'), /set TENANT_ID/);
    assert.throws(() => tenantOf({}, 'a: [\n'), /not YAML/);
  });

  it('names a backup after its tenant and the time', () => {
    assert.equal(
      defaultBackupFile('acme', new Date('2026-12-07T06:10:11.123Z')),
      'backups/acme-tenant-jobs-20261207T061011Z.yaml',
    );
  });
});

describe('monitor-job', () => {
  /** A run that goes through `statuses`, one per get-run. */
  function scripted(statuses) {
    let call = 0;
    return {
      async invoke(action, input) {
        assert.equal(action, 'get-run');
        const status = statuses[Math.min(call++, statuses.length - 1)];
        return {
          run: {
            id: input.runId,
            jobType: 'data-etl',
            tenantId: 'acme',
            status,
            durationSeconds: 4,
            pods: [],
          },
        };
      },
    };
  }
  const quiet = () => {
    const lines = [];
    return { lines, log: line => lines.push(line), write: () => {} };
  };

  for (const [status, code] of Object.entries(EXIT_CODES)) {
    it(`exits ${code} when the run ends ${status}`, async () => {
      const out = quiet();
      const exit = await monitorJob(
        scripted(['Queued', 'Running', status]),
        { RUN: 'r1' },
        out,
        { intervalMs: 1 },
      );
      assert.equal(exit, code);
      assert.deepEqual(
        out.lines.map(line => line.replace(/^\[[^\]]+\] /, '')),
        [
          'r1  data-etl in acme  Queued',
          'r1  data-etl in acme  Running',
          `r1  data-etl in acme  ${status}`,
          `Run r1 ${status.toLowerCase()} after 4s`,
        ],
      );
    });
  }
});
