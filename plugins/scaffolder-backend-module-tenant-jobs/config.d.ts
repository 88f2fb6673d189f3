export interface Config {
  tenantJobs?: {
    scaffolder?: {
      /**
       * Path of a run's page in the portal, relative to `app.baseUrl`, with
       * `{id}` for the run id; the actions output links to it. Defaults to
       * the Tenant Jobs frontend plugin's job page, `/tenant-jobs/jobs/{id}`.
       * @visibility backend
       */
      jobPath?: string;
    };
  };
}
