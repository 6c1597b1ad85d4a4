// Public surface of Parley's MLS layer (RFC 9420 over ts-mls). Re-exported by @parley/e2ee.
export type { CommitChanges, PendingCommit, PendingCommitStatus } from './commit.js';
export { MlsSessionError, type MlsSessionErrorCode } from './errors.js';
export { type ExternalCommitInfo, inspectExternalCommit, inspectGroupInfo } from './external-join.js';
export {
  createDeviceIdentity,
  type DeviceIdentity,
  type DeviceRef,
  decodeDeviceIdentity,
  encodeCredentialIdentity,
  encodeDeviceIdentity,
  keyFingerprint,
  type MemberCredentialCheck,
  parseCredentialIdentity,
  type VerifyMember,
} from './identity.js';
export {
  type CreateKeyPackageOptions,
  createKeyPackage,
  type KeyPackageBundle,
  MLS_KEY_PACKAGE_LIFETIME_SECONDS,
} from './key-package.js';
export { inspectMlsMessage, type MlsMessageInfo, welcomeRecipients } from './messages.js';
export { SAFETY_CODE_GROUP_DIGITS, SAFETY_CODE_GROUPS, safetyCode, safetyCodeGroups } from './safety-code.js';
export { type MlsIncoming, MlsSession, type MlsSessionOptions, type WelcomeJoinParams } from './session.js';
export {
  deriveEpochSenderKeys,
  epochFromBits,
  type KidOptions,
  kidFor,
  MLS_SFRAME_AEAD_NK,
  MLS_SFRAME_DEFAULT_EPOCH_BITS,
  MLS_SFRAME_DEFAULT_SUITE,
  MLS_SFRAME_EXPORTER_LABEL,
  type ParsedKid,
  parseKid,
  type SframeEpochKeys,
  type SframeKeySource,
  type SframeSenderKey,
  sframeIndexBits,
} from './sframe-keys.js';
export {
  isSupportedMlsCipherSuite,
  MLS_DEFAULT_CIPHER_SUITE,
  MLS_SUPPORTED_CIPHER_SUITES,
  MLS_XWING_CIPHER_SUITE,
  type MlsCipherSuiteName,
} from './suites.js';
export { type MlsMember, type TreeShape, treeShape } from './tree.js';
