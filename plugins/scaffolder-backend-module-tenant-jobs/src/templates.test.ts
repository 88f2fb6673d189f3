/*
 * The repository's software templates (templates/*.yaml) against what they
 * depend on, so templates, actions and job types cannot drift apart:
 *
 * - each is a valid catalog entity and a valid scaffolder Template
 *   (scaffolder.backstage.io/v1beta3), and app-config registers it;
 * - its parameter steps are JSON Schemas;
 * - its steps use existing actions with inputs their schemas declare, and
 *   refer only to outputs that earlier steps' actions declare;
 * - each job type has its template, whose TenantJobPicker field names that
 *   type, launches that type, repeats none of its parameters, and whose
 *   defaults are valid against the type's parameter schema; a form filled in
 *   as the field fills it renders to an input the action accepts.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import {
  TemplateEntityV1beta3,
  templateEntityV1beta3Validator,
} from '@backstage/plugin-scaffolder-common';
import {
  BUILT_IN_JOB_TYPE_IDS,
  BUILT_IN_JOB_TYPES,
  JobTypeDefinition,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import Ajv from 'ajv';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createTenantJobsActions } from './actions';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const TEMPLATES_DIR = path.join(REPO_ROOT, 'templates');

/** The field extension of the frontend plugin that fills in a job. */
const JOB_FIELD = 'TenantJobPicker';
/** What that field's value holds. */
const JOB_FIELD_KEYS = ['tenantId', 'tier', 'priority', 'parameters'];

/** Actions of the scaffolder backend that the templates may use too. */
const BUILT_IN_ACTIONS: Record<string, { input: string[]; output: string[] }> =
  {
    'catalog:fetch': {
      input: [
        'entityRef',
        'entityRefs',
        'optional',
        'defaultKind',
        'defaultNamespace',
      ],
      output: ['entity', 'entities'],
    },
  };

const actions = new Map(
  createTenantJobsActions({
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
  }).map(action => [action.id, action]),
);

function propertiesOf(schema: unknown): string[] {
  return Object.keys(
    (schema as { properties?: Record<string, unknown> } | undefined)
      ?.properties ?? {},
  );
}

function actionInputs(id: string): string[] | undefined {
  const action = actions.get(id);
  return action
    ? propertiesOf(action.schema?.input)
    : BUILT_IN_ACTIONS[id]?.input;
}

function actionOutputs(id: string): string[] | undefined {
  const action = actions.get(id);
  return action
    ? propertiesOf(action.schema?.output)
    : BUILT_IN_ACTIONS[id]?.output;
}

type Loaded = { file: string; entity: TemplateEntityV1beta3 };

function loadTemplates(): Loaded[] {
  return fs
    .readdirSync(TEMPLATES_DIR)
    .filter(file => file.endsWith('.yaml'))
    .sort()
    .map(file => {
      const docs = yaml.parseAllDocuments(
        fs.readFileSync(path.join(TEMPLATES_DIR, file), 'utf8'),
      );
      expect(docs.map(d => d.errors)).toEqual([[]]);
      return { file, entity: docs[0].toJS() as TemplateEntityV1beta3 };
    });
}

/** Every `${{ ... }}` expression in a value, with where it was found. */
function expressions(value: unknown, at = ''): { at: string; expr: string }[] {
  if (typeof value === 'string') {
    return [...value.matchAll(/\$\{\{\s*(.*?)\s*\}\}/g)].map(m => ({
      at,
      expr: m[1],
    }));
  }
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => expressions(v, `${at}[${i}]`));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      expressions(v, at ? `${at}.${k}` : k),
    );
  }
  return [];
}

/**
 * Renders a step input the way the scaffolder does for templates whose
 * expressions are plain paths: a string that is one `${{ a.b.c }}` becomes
 * the value at that path, left out when it is empty.
 */
function render(value: unknown, context: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{\{\s*([\w.]+)\s*\}\}$/.exec(value);
    if (!whole) return value;
    const found = whole[1]
      .split('.')
      .reduce<unknown>(
        (at, key) => (at as Record<string, unknown> | undefined)?.[key],
        context,
      );
    return found === '' ? undefined : found;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .map(([k, v]) => [k, render(v, context)])
        .filter(([, v]) => v !== undefined),
    );
  }
  return value;
}

/** Parameter values that satisfy a job type: required ones from examples. */
function exampleParameters(type: JobTypeDefinition): Record<string, unknown> {
  return Object.fromEntries(
    (type.parameterSchema.required ?? []).map(name => {
      const schema = type.parameterSchema.properties[name] as {
        examples?: unknown[];
      };
      return [name, schema.examples?.[0]];
    }),
  );
}

const ajv = new Ajv({ strict: false, allErrors: true });
const templates = loadTemplates();

describe('templates/', () => {
  it('holds one template per built-in job type and the onboarding template', () => {
    const jobTypes = templates.flatMap(({ entity }) =>
      entity.spec.steps
        .filter(step => step.action === 'tenant-jobs:run:create')
        .map(step => (step.input as { jobType?: string }).jobType),
    );
    expect(jobTypes.sort()).toEqual([...BUILT_IN_JOB_TYPE_IDS].sort());
    expect(
      templates.filter(({ entity }) =>
        entity.spec.steps.some(
          step => step.action === 'tenant-jobs:tenant:provision',
        ),
      ),
    ).toHaveLength(1);
  });

  it('registers every template, and nothing else from templates/, in app-config', () => {
    const config = yaml.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
    );
    const registered = (
      config.catalog.locations as {
        type: string;
        target: string;
        rules?: { allow: string[] }[];
      }[]
    ).filter(location => location.target.includes('/templates/'));
    expect(
      registered.map(location =>
        path.relative(
          TEMPLATES_DIR,
          path.resolve(REPO_ROOT, 'packages/backend', location.target),
        ),
      ),
    ).toEqual(expect.arrayContaining(templates.map(t => t.file)));
    expect(registered).toHaveLength(templates.length);
    for (const location of registered) {
      expect(location.type).toBe('file');
      expect(location.rules).toEqual([{ allow: ['Template'] }]);
    }
  });

  describe.each(templates.map(t => [t.file, t] as const))(
    '%s',
    (_file, { entity }) => {
      it("is a valid catalog entity and passes the scaffolder's Template validator", async () => {
        const policies = EntityPolicies.allOf([
          new DefaultNamespaceEntityPolicy(),
          new NoForeignRootFieldsEntityPolicy(),
          new FieldFormatEntityPolicy(),
          new SchemaValidEntityPolicy(),
        ]);
        await expect(
          policies.enforce(structuredClone(entity) as Entity),
        ).resolves.toBeDefined();
        await expect(
          templateEntityV1beta3Validator.check(entity as Entity),
        ).resolves.toBe(true);
        expect(entity.metadata.tags).toContain('tenant-jobs');
        expect(entity.spec.owner).toBe('group:default/platform-team');
      });

      it('has parameter steps that are JSON Schemas', () => {
        const steps = [entity.spec.parameters].flat();
        expect(steps.length).toBeGreaterThan(0);
        for (const step of steps) {
          expect(() => ajv.compile({ type: 'object', ...step })).not.toThrow();
        }
      });

      it('uses existing actions, with inputs they declare, and outputs of earlier steps only', () => {
        const seen = new Map<string, string>();
        for (const step of entity.spec.steps) {
          const inputs = actionInputs(step.action);
          expect([step.action, inputs]).toEqual([
            step.action,
            expect.any(Array),
          ]);
          for (const key of Object.keys(step.input ?? {})) {
            expect([step.action, key, inputs]).toEqual([
              step.action,
              key,
              expect.arrayContaining([key]),
            ]);
          }
          for (const { at, expr } of expressions(step.input)) {
            const ref = /^steps\.([\w-]+)\.output\.(\w+)/.exec(expr);
            if (!ref) continue;
            expect([at, seen.has(ref[1])]).toEqual([at, true]);
            expect(actionOutputs(seen.get(ref[1])!)).toContain(ref[2]);
          }
          seen.set(step.id!, step.action);
        }
        for (const { at, expr } of expressions(entity.spec.output)) {
          const ref = /^steps\.([\w-]+)\.output\.(\w+)/.exec(expr);
          if (!ref) continue;
          expect([at, seen.has(ref[1])]).toEqual([at, true]);
          expect(actionOutputs(seen.get(ref[1])!)).toContain(ref[2]);
        }
      });

      it('refers only to parameters its form defines', () => {
        const defined = new Set(
          [entity.spec.parameters].flat().flatMap(step => propertiesOf(step)),
        );
        for (const { at, expr } of expressions(entity.spec)) {
          const ref = /^parameters\.(\w+)(?:\.(\w+))?/.exec(expr);
          if (!ref) continue;
          expect([at, defined.has(ref[1])]).toEqual([at, true]);
          const jobKey = ref[1] === 'job' ? ref[2] : undefined;
          expect([at, !!jobKey && !JOB_FIELD_KEYS.includes(jobKey)]).toEqual([
            at,
            false,
          ]);
        }
      });
    },
  );

  const jobTemplates = templates.flatMap(({ file, entity }) => {
    const fields = [entity.spec.parameters]
      .flat()
      .flatMap(step =>
        Object.entries(
          (step as { properties?: Record<string, any> }).properties ?? {},
        ),
      )
      .filter(([, schema]) => schema['ui:field'] === JOB_FIELD);
    return fields.length ? [[file, entity, fields] as const] : [];
  });

  it('has a job field in every template that launches a job', () => {
    expect(jobTemplates.map(([file]) => file).sort()).toEqual(
      [...BUILT_IN_JOB_TYPE_IDS].map(id => `${id}.yaml`).sort(),
    );
  });

  describe.each(jobTemplates)('%s', (_file, entity, fields) => {
    const [[fieldName, field]] = fields;
    const options = field['ui:options'] ?? {};
    const type = BUILT_IN_JOB_TYPES[
      options.jobType as keyof typeof BUILT_IN_JOB_TYPES
    ] as JobTypeDefinition | undefined;
    const create = entity.spec.steps.find(
      step => step.action === 'tenant-jobs:run:create',
    )!;

    it('has one job field, naming a job type, and launches that type from it', () => {
      expect(fields).toHaveLength(1);
      expect(type).toBeDefined();
      expect(field.type).toBe('object');
      expect(create.input).toMatchObject({
        jobType: type!.id,
        tenantId: `\${{ parameters.${fieldName}.tenantId }}`,
        tier: `\${{ parameters.${fieldName}.tier }}`,
        priority: `\${{ parameters.${fieldName}.priority }}`,
        parameters: `\${{ parameters.${fieldName}.parameters }}`,
      });
    });

    it("does not repeat the job type's parameter schema", () => {
      const typeParameters = Object.keys(type!.parameterSchema.properties);
      const formFields = [entity.spec.parameters]
        .flat()
        .flatMap(step => propertiesOf(step));
      expect(formFields.filter(name => typeParameters.includes(name))).toEqual(
        [],
      );
      expect(propertiesOf(field)).toEqual([]);
      expect(Object.keys(options).sort()).toEqual(
        expect.arrayContaining(['jobType']),
      );
      for (const key of Object.keys(options)) {
        expect(['jobType', 'defaults']).toContain(key);
      }
    });

    it("sets defaults that are valid against the type's parameter schema", () => {
      const defaults = options.defaults ?? {};
      for (const name of Object.keys(defaults)) {
        expect(Object.keys(type!.parameterSchema.properties)).toContain(name);
      }
      const validate = ajv.compile(type!.parameterSchema as object);
      const parameters = { ...exampleParameters(type!), ...defaults };
      expect([validate(parameters), validate.errors ?? []]).toEqual([true, []]);
    });

    it('renders a filled-in form to an input the action accepts', () => {
      const action = actions.get('tenant-jobs:run:create')!;
      const parameters = {
        [fieldName]: {
          tenantId: 'acme-analytics',
          tier: type!.defaultTier,
          priority: 'normal',
          parameters: { ...exampleParameters(type!), ...options.defaults },
        },
        entityRef: 'component:default/acme-recommender',
        wait: 'none',
      };
      const input = render(create.input, { parameters });
      const validate = ajv.compile(action.schema!.input as object);
      expect([validate(input), validate.errors ?? []]).toEqual([true, []]);
      expect(input).toMatchObject({
        jobType: type!.id,
        tenantId: 'acme-analytics',
        entityRef: 'component:default/acme-recommender',
      });
      // Optional answers left empty are left out, not sent empty.
      const sparse = render(create.input, {
        parameters: { [fieldName]: { tenantId: 'acme-analytics' } },
      });
      expect([validate(sparse), validate.errors ?? []]).toEqual([true, []]);
      expect(sparse).not.toHaveProperty('tier');
      expect(sparse).not.toHaveProperty('entityRef');
    });
  });
});
