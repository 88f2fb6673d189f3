export { authModuleDemoProvider as default } from './module';
export { demoUserAuthenticator, DEMO_USER_HEADER } from './authenticator';
