import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ApiException } from '@kubernetes/client-node';
import { statusOf as httpStatusOf } from '../routes/httpErrors';
import { NamespaceNotReadableError } from '../cluster/TenantCluster';
import {
  parseQuotaMessage,
  parseRbacMessage,
  QuotaExceededError,
  toClusterError,
} from './errors';

const context = { cluster: 'local', action: 'create Job etl-1 in tenant-acme' };

/**
 * What client-node 1.4 throws for a refusal: an ApiException whose body is
 * the apiserver's Status as JSON text (captured from kube-apiserver 1.36).
 */
function apiException(code: number, status: object | undefined) {
  return new ApiException<string | undefined>(
    code,
    'Unknown API Status Code!',
    status === undefined ? undefined : `${JSON.stringify(status)}\n`,
    { 'content-type': 'application/json' },
  );
}

function statusOf(
  code: number,
  reason: string,
  message: string,
  details: object = {},
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  };
}

const QUOTA_JOBS = statusOf(
  403,
  'Forbidden',
  'jobs.batch "etl-1" is forbidden: exceeded quota: tenant-jobs-quota, requested: count/jobs.batch=1, used: count/jobs.batch=2, limited: count/jobs.batch=2',
  { name: 'etl-1', group: 'batch', kind: 'jobs' },
);

const QUOTA_CPU = statusOf(
  403,
  'Forbidden',
  'pods "etl-1-x7k2p" is forbidden: exceeded quota: tenant-jobs-quota, requested: limits.cpu=2,requests.cpu=2, used: limits.cpu=250m,requests.cpu=250m, limited: limits.cpu=1,requests.cpu=1',
  { name: 'etl-1-x7k2p', kind: 'pods' },
);

const RBAC_NAMESPACED = statusOf(
  403,
  'Forbidden',
  'jobs.batch is forbidden: User "system:serviceaccount:tenant-jobs:backend" cannot create resource "jobs" in API group "batch" in the namespace "tenant-acme"',
  { group: 'batch', kind: 'jobs' },
);

const RBAC_CLUSTER = statusOf(
  403,
  'Forbidden',
  'priorityclasses.scheduling.k8s.io is forbidden: User "system:serviceaccount:tenant-jobs:backend" cannot create resource "priorityclasses" in API group "scheduling.k8s.io" at the cluster scope',
  { group: 'scheduling.k8s.io', kind: 'priorityclasses' },
);

const RBAC_SECRETS = statusOf(
  403,
  'Forbidden',
  'secrets is forbidden: User "system:serviceaccount:tenant-jobs:backend" cannot list resource "secrets" in API group "" in the namespace "tenant-acme"',
  { kind: 'secrets' },
);

const POD_SECURITY = statusOf(
  403,
  'Forbidden',
  'pods "p" is forbidden: violates PodSecurity "restricted:latest": privileged (container "c" must not set securityContext.privileged=true), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true)',
  { name: 'p', kind: 'pods' },
);

const TERMINATING = statusOf(
  403,
  'Forbidden',
  'jobs.batch "t" is forbidden: unable to create new content in namespace tenant-acme because it is being terminated',
  {
    name: 't',
    group: 'batch',
    kind: 'jobs',
    causes: [
      {
        reason: 'NamespaceTerminating',
        message: 'namespace tenant-acme is being terminated',
        field: 'metadata.namespace',
      },
    ],
  },
);

const INVALID = statusOf(
  422,
  'Invalid',
  'Job.batch "Bad_Name" is invalid: [metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of ..., spec.template.spec.containers: Required value]',
  {
    name: 'Bad_Name',
    group: 'batch',
    kind: 'Job',
    causes: [
      {
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of ...',
        field: 'metadata.name',
      },
      {
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: 'spec.template.spec.containers',
      },
    ],
  },
);

const ALREADY_EXISTS = statusOf(
  409,
  'AlreadyExists',
  'jobs.batch "etl-1" already exists',
  { name: 'etl-1', group: 'batch', kind: 'jobs' },
);

const NOT_FOUND = statusOf(404, 'NotFound', 'jobs.batch "nope" not found', {
  name: 'nope',
  group: 'batch',
  kind: 'jobs',
});

describe('toClusterError', () => {
  it('maps a quota refusal to a QuotaExceededError (a ConflictError) keeping the detail', () => {
    const error = toClusterError(apiException(403, QUOTA_JOBS), context);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.name).toBe('ConflictError'); // so the backend answers 409
    expect(error.message).toContain(
      'exceeded quota: tenant-jobs-quota, requested: count/jobs.batch=1, used: count/jobs.batch=2, limited: count/jobs.batch=2',
    );
    expect(error.message).toContain("Cluster 'local'");
    const quota = error as QuotaExceededError;
    expect(quota.quota).toBe('tenant-jobs-quota');
    expect(quota.requested).toEqual({ 'count/jobs.batch': '1' });
    expect(quota.used).toEqual({ 'count/jobs.batch': '2' });
    expect(quota.limited).toEqual({ 'count/jobs.batch': '2' });
  });

  it('reads quota refusals with several resources', () => {
    const error = toClusterError(
      apiException(403, QUOTA_CPU),
      context,
    ) as QuotaExceededError;
    expect(error.requested).toEqual({
      'limits.cpu': '2',
      'requests.cpu': '2',
    });
    expect(error.limited).toEqual({ 'limits.cpu': '1', 'requests.cpu': '1' });
  });

  it.each([
    [RBAC_NAMESPACED, 'create', 'jobs', "API group 'batch'", 'tenant-acme'],
    [
      RBAC_CLUSTER,
      'create',
      'priorityclasses',
      "API group 'scheduling.k8s.io'",
      'cluster scope',
    ],
    [RBAC_SECRETS, 'list', 'secrets', 'the core API group', 'tenant-acme'],
  ])(
    "maps the backend's own RBAC refusal to a plain Error naming the missing rule (%#)",
    (status, verb, resource, group, where) => {
      const error = toClusterError(apiException(403, status), context);
      expect(error.constructor).toBe(Error); // 500: misconfigured
      expect(error.message).toContain(`verb '${verb}'`);
      expect(error.message).toContain(`resource '${resource}'`);
      expect(error.message).toContain(group);
      expect(error.message).toContain(where);
      expect(error.message).toContain('clusterrole.yaml');
    },
  );

  it('says where log and event access comes from when RBAC refuses it in a namespace', () => {
    const error = toClusterError(
      apiException(
        403,
        statusOf(
          403,
          'Forbidden',
          'pods "etl-1-x7k2p" is forbidden: User "system:serviceaccount:tenant-jobs:backend" cannot get resource "pods/log" in API group "" in the namespace "tenant-acme"',
          { name: 'etl-1-x7k2p', kind: 'pods' },
        ),
      ),
      { cluster: 'local', action: 'read the log of pod etl-1-x7k2p' },
    );
    // Not the caller's fault: a 500, of a kind the tracker can recognise.
    expect(error).toBeInstanceOf(NamespaceNotReadableError);
    expect(httpStatusOf(error)).toBe(500);
    expect(error.message).toContain(
      'may not get pods/log in namespace tenant-acme',
    );
    expect(error.message).toContain(
      'RoleBinding tenant-jobs-backend-tenant-reader',
    );
    expect(error.message).toContain('RBAC may take a moment');
  });

  it("maps a refusal by the confinement policy to a plain Error with the policy's reason", () => {
    const message =
      "jobs.batch \"etl-1\" is forbidden: ValidatingAdmissionPolicy 'tenant-jobs-backend-confinement' with binding 'tenant-jobs-backend-confinement' denied request: Tenant Jobs confinement: the backend may not create jobs etl-1 in namespace default: it writes only in namespaces managed by Tenant Jobs";
    const error = toClusterError(
      apiException(
        403,
        statusOf(403, 'Forbidden', message, { name: 'etl-1', kind: 'jobs' }),
      ),
      context,
    );
    expect(error.constructor).toBe(Error); // 500: not the caller's fault
    expect(error.message).toContain('validatingadmissionpolicy.yaml');
    expect(error.message).toContain(
      'it writes only in namespaces managed by Tenant Jobs',
    );
  });

  it('maps a Pod Security refusal to an InputError with the detail', () => {
    const error = toClusterError(apiException(403, POD_SECURITY), context);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      'violates PodSecurity "restricted:latest": privileged',
    );
  });

  it('maps a namespace being deleted to a ConflictError', () => {
    const error = toClusterError(apiException(403, TERMINATING), context);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).not.toBeInstanceOf(QuotaExceededError);
    expect(error.message).toContain('being deleted');
  });

  it('maps 422 Invalid to an InputError listing the invalid fields', () => {
    const error = toClusterError(apiException(422, INVALID), context);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('invalid fields: metadata.name: Invalid');
    expect(error.message).toContain(
      'spec.template.spec.containers: Required value',
    );
  });

  it('maps 409 AlreadyExists to a ConflictError', () => {
    const error = toClusterError(apiException(409, ALREADY_EXISTS), context);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain('jobs.batch "etl-1" already exists');
  });

  it('maps 404 to a NotFoundError', () => {
    const error = toClusterError(apiException(404, NOT_FOUND), context);
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('maps 401 (client-node gives no body) to a plain Error about credentials', () => {
    const error = new ApiException(401, 'Unauthorized', undefined, {});
    const mapped = toClusterError(error, context);
    expect(mapped.constructor).toBe(Error);
    expect(mapped.message).toContain('credentials');
    expect(mapped.message).toContain("'local'");
  });

  it.each([429, 500, 503, 504])(
    'maps %s to a ServiceUnavailableError',
    code => {
      const error = toClusterError(
        apiException(code, statusOf(code, 'InternalError', 'etcd is slow')),
        context,
      );
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toContain("'local'");
    },
  );

  it('maps a log of a container that has not started to a 409', () => {
    const error = toClusterError(
      apiException(
        400,
        statusOf(
          400,
          'BadRequest',
          'container "job" in pod "etl-abc" is waiting to start: ContainerCreating',
        ),
      ),
      {
        cluster: 'local',
        action: 'read the log of pod etl-abc in tenant-acme',
      },
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain('The pod has not started yet');
  });

  it('maps 400 to a plain Error: the backend built a bad request', () => {
    const error = toClusterError(
      apiException(400, statusOf(400, 'BadRequest', 'bad patch')),
      context,
    );
    expect(error.constructor).toBe(Error);
    expect(error.message).toContain('bad patch');
  });

  it('keeps a non-JSON body as the message', () => {
    const error = new ApiException(502, 'Bad Gateway', 'upstream died', {});
    expect(toClusterError(error, context).message).toContain('upstream died');
  });

  it('maps connection failures and timeouts to a ServiceUnavailableError naming the cluster', () => {
    // The shape of node-fetch's FetchError for a refused connection.
    const refused = Object.assign(
      new Error(
        'request to https://127.0.0.1:1/apis/batch/v1/namespaces/x/jobs failed, reason: connect ECONNREFUSED 127.0.0.1:1',
      ),
      { name: 'FetchError', type: 'system', code: 'ECONNREFUSED' },
    );
    const mapped = toClusterError(refused, context);
    expect(mapped).toBeInstanceOf(ServiceUnavailableError);
    expect(mapped.message).toContain("Cluster 'local' could not be reached");
    expect(mapped.message).toContain('ECONNREFUSED');

    const aborted = Object.assign(new Error('The user aborted a request.'), {
      name: 'AbortError',
      type: 'aborted',
    });
    const timedOut = toClusterError(aborted, context);
    expect(timedOut).toBeInstanceOf(ServiceUnavailableError);
    expect(timedOut.message).toContain('did not answer in time');
  });

  it('maps an untrusted certificate to a plain Error about caFile/caData', () => {
    const tls = Object.assign(
      new Error('unable to verify the first certificate'),
      {
        name: 'FetchError',
        type: 'system',
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      },
    );
    const mapped = toClusterError(tls, context);
    expect(mapped.constructor).toBe(Error);
    expect(mapped.message).toContain('caFile or caData');
  });

  it('returns other errors unchanged', () => {
    const own = new InputError('already translated');
    expect(toClusterError(own, context)).toBe(own);
    expect(toClusterError('text', context).message).toBe('text');
  });
});

describe('parseQuotaMessage', () => {
  it('returns undefined for other messages', () => {
    expect(parseQuotaMessage('something else')).toBeUndefined();
  });
});

describe('parseRbacMessage', () => {
  it('reads a subresource', () => {
    expect(
      parseRbacMessage(
        'pods "x" is forbidden: User "system:serviceaccount:a:b" cannot get resource "pods/log" in API group "" in the namespace "n"',
      ),
    ).toEqual({
      user: 'system:serviceaccount:a:b',
      verb: 'get',
      resource: 'pods/log',
      group: '',
      namespace: 'n',
    });
  });
});
