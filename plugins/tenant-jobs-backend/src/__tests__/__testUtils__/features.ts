/*
 * The features of a Tenant Jobs test backend, shared by the in-process
 * harness and the child-process backend (childBackendMain.ts): the plugin,
 * the real permission backend with a membership policy, the real
 * scheduler, mock auth that keeps the calling plugin as the actor, the test
 * org's catalog and user info, and the plugin's config for the local
 * cluster. The database and auditor are added by the caller.
 */
import {
  AuthService,
  BackendFeature,
  BackstageCredentials,
  BackstageUserInfo,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { permissionsRegistryServiceFactory } from '@backstage/backend-defaults/permissionsRegistry';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  JobTypeDefinition,
  TENANT_JOBS_RESOURCE_TYPE,
  tenantJobsTenantProvisionPermission,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { tenantJobsJobTypesExtensionPoint } from '@tenant-jobs/plugin-tenant-jobs-node';
import {
  createTenantJobConditionalDecision,
  tenantJobConditions,
} from '../../permissions';
import { tenantJobsPlugin } from '../../plugin';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';

/** The test backend's events service, once it started (in-process only). */
export const testEvents: { service?: EventsService } = {};

/** Groups from here may set their plan by annotation. */
export const TRUSTED_GROUP_LOCATION = 'file:/srv/platform/org/';
import type { JsonObject } from '@backstage/types';
import type { Entity } from '@backstage/catalog-model';
import type { TestOrg } from './harness';

/** What a test backend needs to know; JSON, so a child process can get it. */
export type TestBackendSettings = {
  org: TestOrg;
  /**
   * A second cluster beside `local`, and the tenant ids pinned to it.
   */
  secondCluster?: {
    name: string;
    server: string;
    caPem: string;
    tokenFile: string;
    tenants: string[];
    /** A MultiKueue worker of `local`, rather than a cluster of tenants. */
    multiKueueWorker?: boolean;
  };
  /** The apiserver URL and CA (PEM). */
  server: string;
  caPem: string;
  /** The least-privilege ServiceAccount token, in a file. */
  tokenFile: string;
  plans: JsonObject;
  jobTypes: JobTypeDefinition[];
  /** More `tenantJobs` config. */
  config: JsonObject;
  /** More catalog entities, e.g. templates. */
  entities?: Entity[];
  /** More root config beside `tenantJobs`, e.g. `app`. */
  rootConfig?: JsonObject;
  /** Group refs of the platform team (`tenantJobs.adminGroups`). */
  adminGroups?: string[];
  /**
   * Whether the membership policy allows `tenant-jobs.tenant.provision`
   * to every signed-in user (who is then the platform team too); denied
   * by default.
   */
  provisionAllowed?: boolean;
};

/**
 * The mock auth service turns a user's on-behalf-of token into plain user
 * credentials and drops the calling plugin, while the real one keeps it as
 * the principal's `actor`. The permissions registry's apply-conditions
 * endpoint refuses user credentials without an actor, so the permission
 * backend could never ask the plugin to apply its conditions. This keeps the
 * actor, as the real DefaultAuthService does.
 */
const actorKeepingAuthServiceFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const pluginId = plugin.getId();
    const inner = mockServices.auth({ pluginId });
    return {
      authenticate: (token, options) => inner.authenticate(token, options),
      getNoneCredentials: () => inner.getNoneCredentials(),
      getOwnServiceCredentials: () => inner.getOwnServiceCredentials(),
      isPrincipal: inner.isPrincipal.bind(inner) as AuthService['isPrincipal'],
      getLimitedUserToken: credentials =>
        inner.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => inner.listPublicServiceKeys(),
      async getPluginRequestToken(options) {
        const { principal } = options.onBehalfOf as BackstageCredentials<{
          type: string;
          userEntityRef?: string;
        }>;
        if (principal.type === 'user' && principal.userEntityRef) {
          return {
            token: mockCredentials.user.token(principal.userEntityRef, {
              actor: { subject: `plugin:${pluginId}` },
            }),
          };
        }
        return inner.getPluginRequestToken(options);
      },
    };
  },
});

/** userInfo for every plugin: the test org's ownership refs. */
function userInfoServiceFactory(org: TestOrg) {
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(
        credentials: BackstageCredentials,
      ): Promise<BackstageUserInfo> {
        const principal = credentials.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type !== 'user' || !principal.userEntityRef) {
          throw new Error(`No user info for a ${principal.type} principal`);
        }
        return {
          userEntityRef: principal.userEntityRef,
          ownershipEntityRefs: org.ownership.get(principal.userEntityRef) ?? [
            principal.userEntityRef,
          ],
        };
      },
    }),
  });
}

/**
 * The adopter's policy: tenant jobs are decided by the plugin's
 * IS_TENANT_MEMBER rule on the caller's ownership refs; provisioning
 * tenants (which makes the platform team) is denied unless the suite asks
 * for it; everything else is allowed. The conditions are sent back to the plugin, whose registered rule
 * and resource loader give the answer.
 */
function tenantMembershipPolicyModule(options: { provisionAllowed: boolean }) {
  return createBackendModule({
    pluginId: 'permission',
    moduleId: 'tenant-jobs-membership-policy',
    register(reg) {
      reg.registerInit({
        deps: {
          policy: policyExtensionPoint,
          userInfo: coreServices.userInfo,
        },
        async init({ policy, userInfo }) {
          class TenantMembershipPolicy implements PermissionPolicy {
            async handle(
              request: PolicyQuery,
              user?: PolicyQueryUser,
            ): Promise<PolicyDecision> {
              if (
                !options.provisionAllowed &&
                request.permission.name ===
                  tenantJobsTenantProvisionPermission.name
              ) {
                return { result: AuthorizeResult.DENY };
              }
              if (
                isResourcePermission(
                  request.permission,
                  TENANT_JOBS_RESOURCE_TYPE,
                )
              ) {
                const claims = user
                  ? (await userInfo.getUserInfo(user.credentials))
                      .ownershipEntityRefs
                  : [];
                return createTenantJobConditionalDecision(
                  request.permission,
                  tenantJobConditions.isTenantMember({ claims }),
                );
              }
              return { result: AuthorizeResult.ALLOW };
            }
          }
          policy.setPolicy(new TenantMembershipPolicy());
        },
      });
    },
  });
}

/**
 * Every feature of a test backend but the database and the auditor.
 * `permissionPolicy` replaces the membership policy above with another
 * module that sets the permission backend's policy (e.g. the demo
 * backend's).
 */
export function tenantJobsTestFeatures(
  settings: TestBackendSettings,
  options: { permissionPolicy?: BackendFeature } = {},
) {
  const { org } = settings;
  const testJobTypesModule = createBackendModule({
    pluginId: 'tenant-jobs',
    moduleId: 'test-job-types',
    register(reg) {
      reg.registerInit({
        deps: { jobTypes: tenantJobsJobTypesExtensionPoint },
        async init({ jobTypes }) {
          jobTypes.addJobTypes(...settings.jobTypes);
        },
      });
    },
  });
  // Hands the tests the plugin's events service, to publish with.
  const eventsProbeModule = createBackendModule({
    pluginId: 'tenant-jobs',
    moduleId: 'test-events-probe',
    register(reg) {
      reg.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          testEvents.service = events;
        },
      });
    },
  });
  return [
    tenantJobsPlugin,
    testJobTypesModule,
    eventsProbeModule,
    permissionPlugin,
    options.permissionPolicy ??
      tenantMembershipPolicyModule({
        provisionAllowed: settings.provisionAllowed ?? false,
      }),
    permissionsServiceFactory,
    permissionsRegistryServiceFactory,
    // The real scheduler, so the reconcile runs on its schedule (the mock
    // runs tasks only when told to).
    schedulerServiceFactory,
    actorKeepingAuthServiceFactory,
    userInfoServiceFactory(org),
    mockServices.httpAuth.factory({
      defaultCredentials: mockCredentials.none(),
    }),
    catalogServiceMock.factory({
      entities: [...org.entities, ...(settings.entities ?? [])],
    }),
    mockServices.rootConfig.factory({
      data: {
        ...settings.rootConfig,
        permission: { enabled: true },
        tenantJobs: {
          clusters: [
            {
              name: 'local',
              url: settings.server,
              caData: settings.caPem,
              auth: {
                type: 'serviceAccountToken',
                tokenFile: settings.tokenFile,
              },
              ...(settings.secondCluster?.multiKueueWorker && {
                multiKueue: { workers: [settings.secondCluster.name] },
              }),
            },
            ...(settings.secondCluster
              ? [
                  {
                    name: settings.secondCluster.name,
                    url: settings.secondCluster.server,
                    caData: settings.secondCluster.caPem,
                    auth: {
                      type: 'serviceAccountToken',
                      tokenFile: settings.secondCluster.tokenFile,
                    },
                  },
                ]
              : []),
          ],
          defaultPlan: 'basic',
          plans: settings.plans,
          // Tenants a and b pick their plan by annotation from a trusted
          // location; c's plan and group come from config.
          trustedGroupLocations: [TRUSTED_GROUP_LOCATION],
          tenants: {
            ...Object.fromEntries(
              (settings.secondCluster?.tenants ?? []).map(id => [
                id,
                { cluster: settings.secondCluster!.name },
              ]),
            ),
            [org.tenants.c]: {
              plan: 'oneJob',
              group: org.groups.c,
              ...(settings.secondCluster?.tenants.includes(org.tenants.c) && {
                cluster: settings.secondCluster.name,
              }),
            },
          },
          // Topics the test suites' trigger rules listen to.
          triggers: {
            topics: [
              // Its events carry their own id: a redelivery launches once.
              { topic: 'tenant-jobs-test.push', shared: true, idPath: 'id' },
              { topic: 'tenant-jobs-test.backup', shared: true },
              { topic: 'tenant-jobs-test.data', tenantPath: 'tenantId' },
            ],
          },
          ...(settings.adminGroups && { adminGroups: settings.adminGroups }),
          ...settings.config,
        },
      },
    }),
  ];
}
