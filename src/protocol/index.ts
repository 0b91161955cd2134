// Public API of the Hush protocol core (docs/PROTOCOL.md). Pure: libsodium only, no browser or Node APIs.
// Call `await init()` once before anything else. Times are Unix seconds. Parsers of outside data return
// Result values and never throw. Main entry points:
//
//   generateIdentity(actorUri, rng?) -> Identity
//   createChain(now, period?, rng?, {firstEpoch}?) / rekeyChain(old, now, rng?) / advanceChain(state, now) / pruneChain(state, now, grace?) -> PrekeyChainState
//   encodeBundle(identity, epoch, prekeyPk) -> profile field value
//   parseAndVerifyBundle(text, actorUri) -> Result<Bundle>;  checkBundleUpdate(pinned, candidate)
//   encodeRevocation(identity, at, reason) / parseRevocation(text, actorUri); revocationRefuses(revocation, createdAt)
//   encryptMessage({sender: {identity, chain}, recipients: RecipientKey[], plaintext, replyTo?, now,
//                   statusBudget: {maxChars?, mentionText}}) -> Result<{statuses, chunks, messageId}>
//   inspectChunk(statusText) -> unauthenticated {messageId, chunkIndex, chunkCount} for grouping
//   inspectMessage(statusTexts) -> unauthenticated {senderKeyId, recipientCount} before any key lookup
//   decryptMessage(statusTexts | chunkBytes[], {author, recipients, me: {..., chain}, now, revocations?}) -> DecryptResult
//   safetyNumber(a, b), compareSafetyPayload(mine, scanned), fingerprint(pk)
//   generateRecoveryCode(), exportBackup({identity, chain}, code), importBackup(file, code)
export { init, systemRng, type Rng } from './sodium';
export type {
  Result,
  Failure,
  DecryptFailureReason,
  BundleFailureReason,
  EncryptFailureReason,
  BackupFailureReason,
} from './errors';
export { VERSION } from './labels';
export { generateIdentity, identityFromSeed, fingerprint, keyId, type Identity } from './identity';
export {
  createChain,
  rekeyChain,
  advanceChain,
  pruneChain,
  currentPrekey,
  retainedSecrets,
  wipeChainState,
  epochAt,
  DEFAULT_EPOCH_PERIOD_SECONDS,
  DEFAULT_GRACE_SECONDS,
  type PrekeyChainState,
  type RetainedPrekey,
  type CreateChainOptions,
} from './prekey-chain';
export {
  encodeBundle,
  parseBundle,
  verifyBundle,
  parseAndVerifyBundle,
  isEpochRollback,
  checkBundleUpdate,
  encodeRevocation,
  parseRevocation,
  revocationRefuses,
  PROFILE_FIELD_NAME,
  type Bundle,
  type BundleUpdate,
  type Revocation,
  type RevocationReason,
} from './bundle';
export {
  encryptMessage,
  chunkCapacityBytes,
  type EncryptInput,
  type EncryptedMessage,
  type RecipientKey,
  type StatusBudget,
} from './encrypt';
export {
  decryptMessage,
  inspectChunk,
  inspectMessage,
  type DecryptContext,
  type DecryptedMessage,
  type DecryptResult,
} from './decrypt';
export type { Party } from './message-crypto';
export { MAX_RECIPIENTS } from './envelope';
export { parseStatusText, STATUS_PREFIX, STATUS_PREFIX_TEXT } from './text-encoding';
export { serverCount, webUiCount, mastodonCount, fitsInStatus } from './mastodon-count';
export { plaintextCapacity, planChunks } from './chunking';
export { safetyNumber, compareSafetyPayload, type SafetyNumber } from './safety-number';
export {
  generateRecoveryCode,
  exportBackup,
  importBackup,
  BACKUP_OPSLIMIT,
  BACKUP_MEMLIMIT,
  type BackupContents,
  type KdfParams,
} from './backup';
