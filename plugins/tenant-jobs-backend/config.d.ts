export interface Config {
  /** Configuration of the Tenant Jobs backend plugin. */
  tenantJobs?: {
    /**
     * The tenant namespace name; `{tenant}` is replaced by the tenant id.
     * Must yield a DNS-1123 label. Defaults to `tenant-{tenant}`.
     */
    namespacePattern?: string;

    /** Name of the cluster tenants run on unless their entry says otherwise. */
    defaultCluster?: string;

    /** The Kubernetes clusters jobs run on. */
    clusters?: Array<{
      /** A name of your choice, referred to by `defaultCluster` and `tenants`. */
      name: string;
      /** The API server URL. Not needed with `auth.type: inCluster` or `kubeconfig`. */
      url?: string;
      /** Path of a PEM file with the API server's CA certificate. */
      caFile?: string;
      /**
       * The API server's CA certificate: PEM, or PEM in base64 as kubeconfig files hold it.
       * @visibility secret
       */
      caData?: string;
      /** Skip TLS verification of the API server. Never in production. */
      skipTLSVerify?: boolean;
      /** How the backend authenticates to this cluster. */
      auth:
        | {
            /** A ServiceAccount token read from a file, re-read as it rotates. */
            type: 'serviceAccountToken';
            tokenFile: string;
          }
        | {
            /** A kubeconfig file, e.g. the local cluster's. */
            type: 'kubeconfig';
            file: string;
            /** Context to use; the file's current context when absent. */
            context?: string;
          }
        | {
            /** The pod's own ServiceAccount when Backstage runs in the cluster. */
            type: 'inCluster';
          };
    }>;

    /** Name of the plan for tenants that name none. Defaults to the first plan. */
    defaultPlan?: string;

    /**
     * Plans, keyed by the name a tenant's `tenant-jobs.io/plan` annotation or
     * its entry in `tenants` refers to.
     */
    plans?: {
      [name: string]: {
        /** The largest resource tier a job of this plan may ask for. */
        maxTier:
          | 'micro'
          | 'small'
          | 'medium'
          | 'large'
          | 'xlarge'
          | 'enterprise';
        /** Job type ids this plan may run; all when absent. */
        allowedJobTypes?: string[];
        /** How many of the tenant's jobs may run at once. */
        maxConcurrentJobs?: number;
        /** The tenant namespace's ResourceQuota. */
        quota: {
          /** CPU limit over all the tenant's pods, e.g. `16`. */
          cpu: string;
          /** Memory limit over all the tenant's pods, e.g. `64Gi`. */
          memory: string;
          /** GPUs (nvidia.com/gpu); none when absent. */
          gpu?: number;
          /** Pods at once. */
          pods?: number;
          /** Job objects kept in the namespace. */
          jobs?: number;
        };
      };
    };

    /** Per-tenant overrides of the plan and cluster named by the catalog. */
    tenants?: {
      [tenantId: string]: {
        plan?: string;
        cluster?: string;
      };
    };

    /** Overrides of built-in job types, keyed by job type id. */
    jobTypes?: {
      [jobTypeId: string]: {
        /** Turn a built-in type off. */
        enabled?: boolean;
        /** Container image, pinned by tag or digest. */
        image?: string;
        defaultTier?: string;
        allowedTiers?: string[];
        defaultDeadlineSeconds?: number;
        retries?: number;
      };
    };

    /** Seconds a finished Job stays in the cluster. Defaults to one day. */
    ttlSecondsAfterFinished?: number;

    /** How runs are tracked. */
    tracking?: {
      /**
       * Seconds between reconciliations, which heal what the watches missed
       * (Jobs never recorded, runs never created, Jobs gone while the
       * backend was down). One replica at a time. Defaults to 30.
       */
      reconcileIntervalSeconds?: number;
      /**
       * Bytes kept of the end of each pod's log when a run finishes, so the
       * log stays readable after its Job is deleted. Defaults to 65536.
       */
      logTailBytes?: number;
    };

    /**
     * Backstage notifications (needs the notifications backend) when a run
     * fails, is preempted or evicted, or succeeds after running long.
     */
    notifications?: {
      /** Defaults to true. */
      enabled?: boolean;
      /** Also notify the tenant's Group, not only the submitter. Defaults to false. */
      notifyTenantGroup?: boolean;
      /** A success is notified once the run took this long. Defaults to 3600. */
      longRunSeconds?: number;
    };

    /** How long history is kept; enforced by an hourly task. */
    retention?: {
      /** Days finished runs are kept, with their archives. Defaults to 90. */
      runDays?: number;
      /** Days archived pod logs are kept. Defaults to 30. */
      logDays?: number;
      /** Days entries of the plugin's audit table are kept. Defaults to 365. */
      auditDays?: number;
    };
  };
}
