import { Config } from '@backstage/config';

/** A user offered on the sign-in page, from `app.demoSignIn.users`. */
export type DemoUser = {
  /** Name of a User entity in the catalog, e.g. `alice`. */
  name: string;
  title: string;
  description?: string;
};

/** Which sign-in the tester picked: the guest provider or a demo user. */
export type SignInChoice =
  | { provider: 'guest' }
  | { provider: 'demo'; user: string };

export const DEMO_USER_HEADER = 'x-tenant-jobs-demo-user';
const STORAGE_KEY = 'tenant-jobs:demo-sign-in';

export function readDemoUsers(config: Config): DemoUser[] {
  const users = config.getOptionalConfigArray('app.demoSignIn.users') ?? [];
  return users.map(user => ({
    name: user.getString('name'),
    title: user.getOptionalString('title') ?? user.getString('name'),
    description: user.getOptionalString('description'),
  }));
}

/** The choice survives reloads of this tab, and is forgotten on sign-out. */
export function loadChoice(storage: Storage): SignInChoice | undefined {
  try {
    const value = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null');
    if (value?.provider === 'guest') {
      return { provider: 'guest' };
    }
    if (value?.provider === 'demo' && typeof value.user === 'string') {
      return { provider: 'demo', user: value.user };
    }
  } catch {
    // a damaged entry means no choice
  }
  return undefined;
}

export function saveChoice(storage: Storage, choice: SignInChoice) {
  storage.setItem(STORAGE_KEY, JSON.stringify(choice));
}

export function clearChoice(storage: Storage) {
  storage.removeItem(STORAGE_KEY);
}

export function headersFor(choice: SignInChoice): Record<string, string> {
  return choice.provider === 'demo' ? { [DEMO_USER_HEADER]: choice.user } : {};
}
