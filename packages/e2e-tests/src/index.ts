export {
  APP_URL,
  ARTIFACTS_DIR,
  launchBrowser,
  screenshot,
  signIn,
} from './browser';
