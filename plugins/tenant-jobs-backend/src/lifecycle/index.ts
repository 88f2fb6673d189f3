export { RunLifecycle } from './RunLifecycle';
export type { AdmissionLimits } from './RunLifecycle';
export { RunBus, isUpdate } from './RunBus';
export type { RunChange, RunChangeSubscriber, RunUpdateChange } from './RunBus';
export { TRANSITIONS, isAllowed, isFinal } from './transitions';
export type { RunTransition, TransitionRule } from './transitions';
