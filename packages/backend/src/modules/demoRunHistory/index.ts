export { demoRunHistoryModule as default } from './module';
