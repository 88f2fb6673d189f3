export interface Config {
  app?: {
    /**
     * Users offered on the demo portal's sign-in page. Each name must be a
     * User entity in the catalog; the backend's `auth.providers.demo`
     * provider signs them in. Leave empty to offer guest sign-in only.
     */
    demoSignIn?: {
      /** @visibility frontend */
      users?: Array<{
        /** @visibility frontend */
        name: string;
        /** @visibility frontend */
        title?: string;
        /** @visibility frontend */
        description?: string;
      }>;
    };
  };
}
