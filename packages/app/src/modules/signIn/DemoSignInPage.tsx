import { useState } from 'react';
import {
  Content,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import { configApiRef, IdentityApi, useApi } from '@backstage/core-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  clearChoice,
  headersFor,
  loadChoice,
  readDemoUsers,
  saveChoice,
  SignInChoice,
} from './demoUsers';

function forgetChoiceOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      clearChoice(window.sessionStorage);
      await identity.signOut();
    },
  };
}

/**
 * Sign-in for the demo portal: continue as guest, or act as one of the demo
 * organisation's users to see the portal through their tenants.
 */
export function DemoSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const users = readDemoUsers(config);
  const [choice, setChoice] = useState<SignInChoice | undefined>(() =>
    loadChoice(window.sessionStorage),
  );

  const pick = (next: SignInChoice) => {
    saveChoice(window.sessionStorage, next);
    setChoice(next);
  };

  if (choice) {
    const reset = () => {
      clearChoice(window.sessionStorage);
      setChoice(undefined);
    };
    return (
      <ProxiedSignInPage
        {...props}
        provider={choice.provider}
        headers={headersFor(choice)}
        onSignInSuccess={identity =>
          props.onSignInSuccess(forgetChoiceOnSignOut(identity))
        }
        ErrorComponent={({ error }) => (
          <Page themeId="home">
            <Content>
              <InfoCard title="Sign-in failed">
                <Typography paragraph>{error?.message}</Typography>
                <Button variant="contained" color="primary" onClick={reset}>
                  Choose another user
                </Button>
              </InfoCard>
            </Content>
          </Page>
        )}
      />
    );
  }

  return (
    <Page themeId="home">
      <Header
        title={config.getOptionalString('app.title') ?? 'Tenant Jobs'}
        subtitle="Demo sign-in: act as a member of one or more tenants"
      />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} md={6} lg={4}>
            <InfoCard title="Guest" subheader="Not a member of any tenant">
              <Button
                variant="outlined"
                color="primary"
                aria-label="Sign in as guest"
                onClick={() => pick({ provider: 'guest' })}
              >
                Enter as guest
              </Button>
            </InfoCard>
          </Grid>
          {users.map(user => (
            <Grid item xs={12} md={6} lg={4} key={user.name}>
              <InfoCard
                title={user.title}
                subheader={`user:default/${user.name}`}
              >
                {user.description && (
                  <Typography paragraph>{user.description}</Typography>
                )}
                <Button
                  variant="contained"
                  color="primary"
                  aria-label={`Sign in as ${user.name}`}
                  onClick={() => pick({ provider: 'demo', user: user.name })}
                >
                  Sign in as {user.title}
                </Button>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
