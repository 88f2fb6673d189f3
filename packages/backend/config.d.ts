export interface Config {
  auth?: {
    providers?: {
      /**
       * The demo sign-in provider: lets a tester act as any User in the
       * catalog. Development only; refused under NODE_ENV=production unless
       * dangerouslyAllowOutsideDevelopment is set.
       */
      demo?: {
        dangerouslyAllowOutsideDevelopment?: boolean;
      };
    };
  };
  permission?: {
    /**
     * Entity refs of the groups whose members are the demo's admins:
     * they alone may unregister entities and provision tenants, may read
     * and cancel anyone's scaffolder tasks, and are allowed whatever the
     * policy does not decide otherwise (everyone else is denied it).
     * Tenant jobs stay with their tenants' members. Defaults to
     * group:default/platform-team.
     */
    adminGroups?: string[];
  };
}
