import { LoggerService } from '@backstage/backend-plugin-api';
import { KubernetesObject, V1Job, V1Pod, Watch } from '@kubernetes/client-node';
import { managedLabelSelector } from '@tenant-jobs/plugin-tenant-jobs-common';
import {
  ManagedObjectsHandler,
  ManagedObjectsWatch,
} from '../cluster/TenantCluster';
import { KubernetesApis } from './kubernetesApis';
import { ListPage, ListWatch, ListWatchSource } from './ListWatch';

/** Objects per list page. */
const PAGE_SIZE = 500;
/** The apiserver ends each watch after about this long; it is resumed. */
const WATCH_TIMEOUT_SECONDS = 300;

/**
 * Drops what the tracker never reads (managed fields, the last-applied
 * annotation), so thousands of cached objects stay small.
 */
export function slim<T extends KubernetesObject>(object: T): T {
  if (object.metadata) {
    delete object.metadata.managedFields;
  }
  return object;
}

type Kind = 'jobs' | 'pods';

const PATHS: Record<Kind, string> = {
  jobs: '/apis/batch/v1/jobs',
  pods: '/api/v1/pods',
};

function source<T extends KubernetesObject>(
  kind: Kind,
  apis: () => KubernetesApis,
): ListWatchSource<T> {
  const labelSelector = managedLabelSelector();
  return {
    async list(continueToken?: string): Promise<ListPage<T>> {
      const params = {
        labelSelector,
        limit: PAGE_SIZE,
        _continue: continueToken,
      };
      const list =
        kind === 'jobs'
          ? await apis().batch.listJobForAllNamespaces(params)
          : await apis().core.listPodForAllNamespaces(params);
      return {
        items: (list.items as unknown as T[]).map(slim),
        resourceVersion: list.metadata?.resourceVersion ?? '',
        continueToken: list.metadata?._continue || undefined,
      };
    },
    async watch(resourceVersion, onEvent, onDone) {
      const watch = new Watch(apis().kubeConfig);
      const controller = await watch.watch(
        PATHS[kind],
        {
          labelSelector,
          resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: WATCH_TIMEOUT_SECONDS,
        },
        (type, object) =>
          onEvent(type, type === 'ERROR' ? object : slim(object)),
        onDone,
      );
      return { abort: () => controller.abort() };
    },
  };
}

/** Starts a list+watch of every Job (or pod) the plugin manages. */
export function watchManaged<T extends V1Job | V1Pod>(
  kind: Kind,
  options: {
    cluster: string;
    apis: () => KubernetesApis;
    handler: ManagedObjectsHandler<T>;
    logger: LoggerService;
  },
): ManagedObjectsWatch {
  const listWatch = new ListWatch<T>({
    name: `Watch of ${kind} in cluster '${options.cluster}'`,
    source: source<T>(kind, options.apis),
    handler: options.handler,
    logger: options.logger,
  });
  listWatch.start();
  return listWatch;
}
