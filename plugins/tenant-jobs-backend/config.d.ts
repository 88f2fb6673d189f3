export interface Config {
  /** Configuration of the Tenant Jobs backend plugin. */
  tenantJobs?: {
    /**
     * The tenant namespace name; `{tenant}` is replaced by the tenant id.
     * Must yield a DNS-1123 label and put a fixed prefix ending in `-` or a
     * fixed suffix starting with `-` around `{tenant}` (not `kube-` or
     * `openshift-`), so no tenant id can name a namespace of the cluster's
     * own. Defaults to `tenant-{tenant}`.
     */
    namespacePattern?: string;

    /**
     * Tenant ids refused besides the built-in reserved ones (`default`,
     * `kube`, `kube-*`, `openshift`, `openshift-*`); a trailing `*`
     * matches any rest, e.g. `platform-*`. Namespaces the pattern yields
     * are checked against the same list.
     */
    reservedTenantIds?: string[];

    /**
     * Catalog locations whose Groups may choose their plan with the
     * `tenant-jobs.io/plan` annotation: prefixes of a Group's
     * `backstage.io/managed-by-origin-location` annotation, e.g.
     * `url:https://<your git host>/platform/org/`. A Group from any other
     * location gets the plan of its `tenants` entry or `defaultPlan`,
     * whatever it claims. Empty by default: plans come from config only.
     */
    trustedGroupLocations?: string[];

    /**
     * Origin-location prefixes (`backstage.io/managed-by-origin-location`)
     * whose entities count for the tenant their `tenant-jobs.io/tenant-id`
     * annotation names: runs may be launched from them and link to them.
     * An entity from anywhere else counts for a tenant only when the
     * tenant's Group owns it, since anyone who can register an entity
     * could write the annotation. Defaults to `trustedGroupLocations`.
     */
    trustedEntityLocations?: string[];

    /**
     * Groups whose members are the platform team for Tenant Jobs, e.g.
     * `group:default/platform-team`: they see every tenant in the portal's
     * platform view (runs, schedules, trigger rules, usage, the audit
     * trail, the clusters' health) and may cancel any run, pause, resume
     * or delete any schedule and delete any trigger rule; each such action
     * is audited as an admin's. They do not launch runs in tenants they
     * are not members of. A permission policy grants the same by allowing
     * `tenant-jobs.tenant.provision`. Empty by default.
     */
    adminGroups?: string[];

    /** Event-driven jobs: trigger rules on Backstage's events. */
    triggers?: {
      /**
       * The events topics trigger rules may listen to, the platform
       * team's decision; none when absent, so no rule can be created.
       * `signals`, `notifications`, `scaffolder` and `tenant-jobs`, and
       * topics under them (`scaffolder.task`), are never allowed: their
       * events carry other tenants' or users' data. Each topic says whose
       * its events are: `tenantPath` names the payload field that holds
       * the tenant id, and a rule then sees only its own tenant's events
       * (others never reach its filter or its counts); `shared: true`
       * declares events that belong to no tenant and may be seen by every
       * tenant's rules. One of the two is required.
       */
      topics?: Array<{
        /** The events topic, e.g. `tenant-data.arrived`. */
        topic: string;
        /**
         * Dotted path of the payload field holding the tenant id of the
         * event, e.g. `tenantId` or `dataset.tenant`.
         */
        tenantPath?: string;
        /** The topic's events belong to no tenant and hold nothing private. */
        shared?: boolean;
        /** What the payload holds, shown to teams writing rules. */
        description?: string;
        /**
         * Where an event carries its own id, so a redelivered event
         * launches once per rule: a dotted payload path (`delivery.id`).
         * Backstage's events have no id of their own; without `idPath` or
         * `idMetadata` every delivery is a distinct event.
         */
        idPath?: string;
        /**
         * The metadata key that holds an event's id, e.g. a webhook's
         * delivery header (`x-github-delivery`), case-insensitive.
         */
        idMetadata?: string;
      }>;
    };

    /** How priorities behave in the clusters. */
    priorities?: {
      /**
       * Priorities whose PriorityClass may evict lower-priority pods
       * (`preemptionPolicy: PreemptLowerPriority`); all others never
       * preempt and only wait ahead of lower ones. Preemption crosses
       * tenants on shared nodes, so keep this to priorities only
       * platform-approved plans may use (see `plans.*.maxPriority`).
       * Defaults to `[critical]`. A PriorityClass's policy cannot change
       * once created: delete the class to change it in a cluster.
       */
      preempting?: Array<'critical' | 'high' | 'normal' | 'low' | 'batch'>;
    };

    /**
     * Name of the cluster tenants run on unless their entry says
     * otherwise; the first that is no MultiKueue worker when absent.
     */
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
      /**
       * Makes this cluster a Kueue MultiKueue manager (needs `queue.mode:
       * kueue`, and MultiKueue set up in the cluster: an AdmissionCheck of
       * controller `kueue.x-k8s.io/multikueue` whose MultiKueueConfig
       * names the workers). Its tenants' Jobs are created here, managed
       * by MultiKueue, which runs them on a worker and copies their
       * status back. The backend provisions each tenant here (its
       * ClusterQueue with the AdmissionCheck) and on every worker, and
       * reads pods, logs and events from the worker that runs them.
       */
      multiKueue?: {
        /**
         * Names of other entries of `clusters` that are this manager's
         * workers. A worker belongs to one manager, and no tenant is
         * pinned to it.
         */
        workers: string[];
        /** The AdmissionCheck. Defaults to `tenant-jobs-multikueue`. */
        admissionCheck?: string;
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
        /**
         * The most urgent priority this plan may use. Defaults to `high`:
         * `critical`, which may preempt other tenants' pods, only for
         * plans that say so. Enforced by the API and by a ResourceQuota
         * that admits no pod of a higher PriorityClass.
         */
        maxPriority?: 'critical' | 'high' | 'normal' | 'low' | 'batch';
        /**
         * How many schedules a tenant of this plan may keep; 25 when
         * absent. Checked on create and on a configuration import (what
         * exists plus what the document adds), and backed by
         * `count/cronjobs.batch` in the tenant's ResourceQuota, so the
         * apiserver refuses more CronJobs whoever creates them.
         */
        maxSchedules?: number;
        /**
         * How many trigger rules a tenant of this plan may keep; 25 when
         * absent. Checked on create and on a configuration import.
         */
        maxTriggers?: number;
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
          /**
           * Pods at once at a priority above `normal`; half of `pods`,
           * rounded up, when absent.
           */
          highPriorityPods?: number;
        };
      };
    };

    /**
     * Tenants the platform team vouches for: their plan, cluster and owning
     * Group. Config wins over any annotation.
     */
    tenants?: {
      [tenantId: string]: {
        /** The tenant's plan, whatever its Group's annotation says. */
        plan?: string;
        /** The cluster its jobs run on; `defaultCluster` when absent. */
        cluster?: string;
        /**
         * The Group that owns this tenant, e.g. `group:default/team-a`.
         * Another Group claiming the same id is then ignored (and reported
         * in the log) instead of switching the tenant off.
         */
        group?: string;
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

    /**
     * The per-tenant queue. A submission over the plan's
     * `maxConcurrentJobs` is not refused: its Job is created suspended (so
     * quota and admission judge it at once) and started when a slot frees,
     * highest priority first, then oldest.
     */
    queue?: {
      /** Runs that may wait per tenant; more are refused (409). Defaults to 100. */
      maxQueuedPerTenant?: number;
      /**
       * Who queues: `builtin` (the default) is the plugin's own queue above.
       * `kueue` hands every run to Kueue, which must run in every
       * configured cluster: the Job is created suspended in the tenant's
       * LocalQueue with its priority's WorkloadPriorityClass, and Kueue
       * admits it within the tenant's ClusterQueue, whose nominal quota is
       * the plan's cpu, memory and GPUs (`maxConcurrentJobs` does not
       * apply). The backend provisions the ClusterQueue, LocalQueue,
       * ResourceFlavor and WorkloadPriorityClasses, and a waiting run's
       * reason is its Workload's. See the plugin README for when to
       * choose which.
       */
      mode?: 'builtin' | 'kueue';
    };

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

    /** Objectives and thresholds of the plugin's metrics and health (see its README). */
    monitoring?: {
      /**
       * The share of finished runs (cancelled ones excluded) that should
       * succeed, exported for dashboards. Defaults to 0.995.
       */
      successObjective?: number;
      /**
       * The p95 duration target of a job type, in seconds, by type id.
       * Types not named get half their deadline.
       */
      durationTargetSeconds?: { [jobType: string]: number };
      /**
       * Seconds a watch may hear no event or bookmark before it counts as
       * stalled in the readiness answer. Defaults to 600.
       */
      watchStallSeconds?: number;
    };
  };
}
