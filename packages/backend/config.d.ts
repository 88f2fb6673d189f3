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
     * Entity refs of the groups whose members may unregister catalog
     * entities. Defaults to group:default/platform-team.
     */
    adminGroups?: string[];
  };
}
