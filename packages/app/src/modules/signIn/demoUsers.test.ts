import { ConfigReader } from '@backstage/config';
import {
  clearChoice,
  DEMO_USER_HEADER,
  headersFor,
  loadChoice,
  readDemoUsers,
  saveChoice,
} from './demoUsers';

describe('readDemoUsers', () => {
  it('reads the users offered on the sign-in page, titled by name when untitled', () => {
    const config = new ConfigReader({
      app: {
        demoSignIn: {
          users: [
            { name: 'alice', title: 'Alice Andersen', description: 'Acme' },
            { name: 'bob' },
          ],
        },
      },
    });
    expect(readDemoUsers(config)).toEqual([
      { name: 'alice', title: 'Alice Andersen', description: 'Acme' },
      { name: 'bob', title: 'bob', description: undefined },
    ]);
  });

  it('offers nobody but the guest when unconfigured', () => {
    expect(readDemoUsers(new ConfigReader({}))).toEqual([]);
  });
});

describe('sign-in choice', () => {
  beforeEach(() => window.sessionStorage.clear());

  it('round-trips through storage and is forgotten on clear', () => {
    saveChoice(window.sessionStorage, { provider: 'demo', user: 'carol' });
    expect(loadChoice(window.sessionStorage)).toEqual({
      provider: 'demo',
      user: 'carol',
    });
    clearChoice(window.sessionStorage);
    expect(loadChoice(window.sessionStorage)).toBeUndefined();
  });

  it('treats a damaged or foreign entry as no choice', () => {
    window.sessionStorage.setItem('tenant-jobs:demo-sign-in', '{not json');
    expect(loadChoice(window.sessionStorage)).toBeUndefined();
    window.sessionStorage.setItem(
      'tenant-jobs:demo-sign-in',
      JSON.stringify({ provider: 'github' }),
    );
    expect(loadChoice(window.sessionStorage)).toBeUndefined();
  });

  it('sends the demo user header only for demo users', () => {
    expect(headersFor({ provider: 'demo', user: 'bob' })).toEqual({
      [DEMO_USER_HEADER]: 'bob',
    });
    expect(headersFor({ provider: 'guest' })).toEqual({});
  });
});
