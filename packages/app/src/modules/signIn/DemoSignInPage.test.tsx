import { configApiRef, discoveryApiRef } from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { DemoSignInPage } from './DemoSignInPage';
import { DEMO_USER_HEADER } from './demoUsers';

const config = mockApis.config({
  data: {
    app: {
      title: 'Tenant Jobs',
      demoSignIn: {
        users: [
          { name: 'alice', title: 'Alice Andersen', description: 'In Acme' },
          { name: 'bob', title: 'Bob Brenner' },
        ],
      },
    },
  },
});

function renderPage(onSignInSuccess = jest.fn()) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [configApiRef, config],
        [discoveryApiRef, mockApis.discovery({ baseUrl: 'http://backend' })],
      ]}
    >
      <DemoSignInPage onSignInSuccess={onSignInSuccess} />
    </TestApiProvider>,
  );
}

describe('DemoSignInPage', () => {
  let fetchSpy: jest.SpyInstance;

  beforeEach(() => {
    window.sessionStorage.clear();
    fetchSpy = jest.spyOn(global, 'fetch').mockResolvedValue(
      new Response(
        JSON.stringify({
          error: { name: 'NotFoundError', message: 'User not found' },
        }),
        { status: 404, headers: { 'content-type': 'application/json' } },
      ),
    );
  });
  afterEach(() => fetchSpy.mockRestore());

  it('offers the guest and every configured demo user', async () => {
    await renderPage();
    expect(screen.getByText('Tenant Jobs')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in as guest' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in as alice' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in as bob' }),
    ).toBeInTheDocument();
    expect(screen.getByText('In Acme')).toBeInTheDocument();
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('asks the demo provider for the chosen user, and goes back on failure', async () => {
    const onSignInSuccess = jest.fn();
    await renderPage(onSignInSuccess);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in as alice' }));

    await waitFor(() => expect(fetchSpy).toHaveBeenCalled());
    const [url, init] = fetchSpy.mock.calls[0];
    expect(String(url)).toBe('http://backend/api/auth/demo/refresh');
    expect(new Headers(init.headers).get(DEMO_USER_HEADER)).toBe('alice');

    // The backend refused: the page says so and offers the picker again.
    expect(await screen.findByText('Sign-in failed')).toBeInTheDocument();
    expect(onSignInSuccess).not.toHaveBeenCalled();
    fireEvent.click(
      screen.getByRole('button', { name: 'Choose another user' }),
    );
    expect(
      await screen.findByRole('button', { name: 'Sign in as bob' }),
    ).toBeInTheDocument();
    expect(window.sessionStorage.length).toBe(0);
  });
});
