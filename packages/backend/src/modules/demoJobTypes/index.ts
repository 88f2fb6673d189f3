export { demoJobTypesModule as default } from './module';
