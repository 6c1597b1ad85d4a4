// Public surface of the MLS group client (docs/call-keys.md §4–§9). Re-exported by @parley/e2ee.
export { type CatchUpOutcome, readLog } from './catch-up.js';
export { MlsGroupClient, SYNC_EVERY_MS } from './client.js';
export { type CommitChange, postCommit, prepareAdds, prepareRemovals } from './commits.js';
export {
  type ClaimedKeyPackage,
  type CommitToSend,
  commitBody,
  DeliveryService,
  decodeMessage,
  type WelcomeEntry,
} from './delivery.js';
export { deviceLogCheck } from './device-log.js';
export {
  EXTERNAL_JOIN_WAIT_MS,
  type ExternalJoinOutcome,
  joinByExternalCommit,
  publishGroupInfo,
  ThreadRejoin,
} from './external-join.js';
export { ADD_FALLBACK_MS, GroupHolder } from './holder.js';
export { predictLeaves } from './leaves.js';
export {
  type FromJoinWorker,
  type JoinPort,
  OffThreadJoiner,
  serveWelcomeJoins,
  type ToJoinWorker,
} from './off-thread-join.js';
export type { GroupDevice, KeyPackageToAdd, MlsGroupOwner, MlsGroupSetup } from './owner.js';
export {
  GROUP_PHASES,
  type GroupEvent,
  type GroupPhase,
  IllegalTransitionError,
  nextPhase,
  TRANSITIONS,
} from './phases.js';
export { MemorySecretStore, type SecretStore, SessionStore } from './session-store.js';
export { type DeliveryApi, fromB64, type GroupEvents, statusOf, toB64 } from './transport.js';
export {
  joinFromWelcome,
  joinInThisThread,
  pickWelcome,
  WelcomeInbox,
  type WelcomeJoin,
  type WelcomeJoiner,
} from './welcome.js';
export { WelcomeTopic } from './welcome-topic.js';
export { WorkQueue } from './work-queue.js';
