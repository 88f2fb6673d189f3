export interface Config {
  tenantJobs?: {
    scaffolder?: {
      /**
       * Path of a run's page in the portal, relative to `app.baseUrl`, with
       * `{id}` for the run id; the actions output links to it. Defaults to
       * the run's detail view on the Tenant Jobs frontend plugin's page,
       * `/tenant-jobs?run={id}`.
       * @visibility backend
       */
      jobPath?: string;
    };
  };
}
