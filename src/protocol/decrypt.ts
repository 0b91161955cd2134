// Receiver side (docs/PROTOCOL.md §4.10): checks in the documented order, typed failures, never throws.
import { concat, equalPublic, lp, utf8DecodeStrict, wipe } from './bytes';
import { revocationRefuses, type RevocationReason } from './bundle';
import { assembleChunks } from './chunking';
import { parseChunk, type ParsedChunk } from './envelope';
import { fail, ok, type DecryptFailureReason, type Result } from './errors';
import { keyId } from './identity';
import { LABEL } from './labels';
import {
  canonicalRecipients,
  checkCommitment,
  contextHash,
  openBody,
  openWrap,
  verifySig,
  type Party,
} from './message-crypto';
import { nextChainSecret, prekeyFromChainSecret, type PrekeyChainState, type RetainedPrekey } from './prekey-chain';
import { parseStatusText } from './text-encoding';

export const MAX_CLOCK_SKEW_SECONDS = 600;

export interface DecryptContext {
  /** The status author with its pinned identity key (the key store's, never the envelope's). */
  readonly author: Party;
  /** Every mentioned account with its pinned identity key (the author, if listed, is ignored). */
  readonly recipients: readonly Party[];
  /** The receiving account and its prekey chain. */
  readonly me: Party & { readonly chain: PrekeyChainState };
  /** Unix seconds. */
  readonly now: number;
  /**
   * Verified revocations the key store knows of (§3.6). One naming the author's identity key refuses the message
   * with 'revoked_key' (see revocationRefuses), checked only after the chunk's signature has verified.
   */
  readonly revocations?: readonly {
    readonly identityPk: Uint8Array;
    readonly reason: RevocationReason;
    readonly revokedAt: number;
  }[];
}

export interface DecryptedMessage {
  readonly plaintext: string;
  readonly sender: Party;
  /** Authenticated recipients, sorted by identity key (sender excluded). */
  readonly recipients: readonly Party[];
  readonly messageId: Uint8Array;
  readonly replyTo: Uint8Array | null;
  readonly createdAt: number;
  readonly chunkCount: number;
}

export type DecryptResult = Result<DecryptedMessage, DecryptFailureReason>;

function withIndex(r: { reason: DecryptFailureReason; detail?: string }, i: number): DecryptResult {
  return fail(r.reason, `input ${i}${r.detail === undefined ? '' : `: ${r.detail}`}`);
}

/** Public, unauthenticated header of a chunk, for grouping statuses by message before decrypting. */
export function inspectChunk(
  input: string | Uint8Array,
): Result<{ messageId: Uint8Array; chunkIndex: number; chunkCount: number; createdAt: number }, DecryptFailureReason> {
  const bytes = typeof input === 'string' ? parseStatusText(input) : ok(input);
  if (!bytes.ok) return bytes;
  const p = parseChunk(bytes.value);
  if (!p.ok) return p;
  return ok({
    messageId: p.value.messageId,
    chunkIndex: p.value.chunkIndex,
    chunkCount: p.value.chunkCount,
    createdAt: p.value.createdAt,
  });
}

/**
 * What a message's statuses claim, before any key is looked up (unauthenticated, no network): every
 * status must parse as a Hush chunk. `senderKeyId` is the first chunk's claimed signing key id;
 * `recipientCount` is how many recipients (sender excluded) the wraps imply once every chunk of the
 * first chunk's message is present, else null. The client uses it to refuse garbage, and mention
 * lists longer than the envelope allows, before resolving anyone (issue #21, claim 6).
 */
export function inspectMessage(
  inputs: readonly (string | Uint8Array)[],
): Result<{ senderKeyId: Uint8Array; recipientCount: number | null }, DecryptFailureReason> {
  if (inputs.length === 0) return fail('incomplete', 'no chunks');
  if (inputs.length > 64) return fail('malformed', 'too many inputs');
  const parsed: ParsedChunk[] = [];
  for (const [i, input] of inputs.entries()) {
    const bytes = typeof input === 'string' ? parseStatusText(input) : ok(input);
    if (!bytes.ok) return fail(bytes.reason, `input ${i}${bytes.detail === undefined ? '' : `: ${bytes.detail}`}`);
    const p = parseChunk(bytes.value);
    if (!p.ok) return fail(p.reason, `input ${i}${p.detail === undefined ? '' : `: ${p.detail}`}`);
    parsed.push(p.value);
  }
  const first = parsed[0] as ParsedChunk;
  const byIndex = new Map<number, number>();
  for (const c of parsed) {
    if (!equalPublic(c.messageId, first.messageId) || c.chunkCount !== first.chunkCount) continue;
    if (!byIndex.has(c.chunkIndex)) byIndex.set(c.chunkIndex, c.wraps.length);
  }
  const wraps = [...byIndex.values()].reduce((a, b) => a + b, 0);
  return ok({
    senderKeyId: first.senderKeyId,
    recipientCount: byIndex.size === first.chunkCount ? Math.max(0, wraps - 1) : null,
  });
}

/** Resolve an epoch hint against the receiver's chain (§4.10 step 12). */
function findPrekey(
  chain: PrekeyChainState,
  hint: number,
): Result<RetainedPrekey, 'expired_prekey' | 'unknown_prekey'> {
  const upper = chain.epoch + 1;
  const e = upper - ((((upper - hint) % 256) + 256) % 256);
  if (e < 0) return fail('unknown_prekey', `hint ${hint}`);
  if (e === upper) {
    const c = nextChainSecret(chain.chainSecret);
    const p = prekeyFromChainSecret(e, c);
    wipe(c);
    return ok(p);
  }
  const found = chain.retained.find((r) => r.epoch === e);
  if (found !== undefined) return ok(found);
  const oldest = chain.retained.reduce((m, r) => Math.min(m, r.epoch), chain.epoch);
  return e < oldest ? fail('expired_prekey', `epoch ${e}`) : fail('unknown_prekey', `epoch ${e}`);
}

export function decryptMessage(inputs: readonly (string | Uint8Array)[], ctx: DecryptContext): DecryptResult {
  try {
    return decryptInner(inputs, ctx);
  } catch (e) {
    // Defence in depth: nothing above should throw on hostile input; if it does, fail closed, typed.
    return fail('malformed', `internal: ${e instanceof Error ? e.message : 'error'}`);
  }
}

function decryptInner(inputs: readonly (string | Uint8Array)[], ctx: DecryptContext): DecryptResult {
  if (inputs.length === 0) return fail('incomplete', 'no chunks');
  if (inputs.length > 64) return fail('malformed', 'too many inputs');
  const isAuthor = ctx.me.actorUri === ctx.author.actorUri && equalPublic(ctx.me.identityPk, ctx.author.identityPk);
  const others = ctx.recipients.filter((r) => r.actorUri !== ctx.author.actorUri);
  const sorted = canonicalRecipients(ctx.author, others);
  const authorKeyId = keyId(ctx.author.identityPk);
  const context = sorted === undefined ? undefined : contextHash(ctx.author, sorted);
  const parsed: ParsedChunk[] = [];
  for (const [i, input] of inputs.entries()) {
    // 1-4: text, length, version, structure.
    const bytes = typeof input === 'string' ? parseStatusText(input) : ok(input);
    if (!bytes.ok) return withIndex(bytes, i);
    const p = parseChunk(bytes.value);
    if (!p.ok) return withIndex(p, i);
    const c = p.value;
    // 5: is it signed (claimed) by the status author's pinned key?
    if (!equalPublic(c.senderKeyId, authorKeyId)) return withIndex({ reason: 'sender_mismatch' }, i);
    // 6: are we addressed, and do the recipients match what the sender signed?
    const myIndex =
      sorted?.findIndex((r) => r.actorUri === ctx.me.actorUri && equalPublic(r.identityPk, ctx.me.identityPk)) ?? -1;
    if (!isAuthor && myIndex < 0) return withIndex({ reason: 'not_a_recipient' }, i);
    if (sorted === undefined || context === undefined)
      return withIndex({ reason: 'recipients_mismatch', detail: 'invalid recipient list' }, i);
    if (!equalPublic(c.contextCheck, context.slice(0, 4))) return withIndex({ reason: 'recipients_mismatch' }, i);
    // 7: signature by the author's pinned identity key over label, context and every other byte.
    if (!verifySig(c.signature, concat(lp(LABEL.envelopeSig), context, c.signedBytes), ctx.author.identityPk))
      return withIndex({ reason: 'bad_signature' }, i);
    // 7a: the signing key revoked? Only after the signature verified, so unauthenticated input cannot trigger it.
    if (
      ctx.revocations?.some(
        (r) => equalPublic(r.identityPk, ctx.author.identityPk) && revocationRefuses(r, c.createdAt),
      ) === true
    ) {
      return withIndex({ reason: 'revoked_key' }, i);
    }
    // 8: no messages from the future.
    if (c.createdAt > ctx.now + MAX_CLOCK_SKEW_SECONDS) return withIndex({ reason: 'future_timestamp' }, i);
    parsed.push(c);
  }
  if (sorted === undefined) return fail('recipients_mismatch');
  // 9-10: one complete, consistent message.
  const asm = assembleChunks(parsed, sorted.length + 1);
  if (!asm.ok) return asm;
  const ordered = asm.value;
  // 11: our wrap.
  const j = isAuthor ? sorted.length : sorted.findIndex((r) => r.actorUri === ctx.me.actorUri);
  const holder = ordered.find((c) => j >= c.wrapStart && j < c.wrapStart + c.wraps.length);
  const wrap = holder?.wraps[j - holder.wrapStart];
  if (holder === undefined || wrap === undefined || holder.epk === null || holder.commitment === null)
    return fail('chunk_conflict', 'own wrap missing');
  // 12-13: prekey by epoch hint, then unwrap.
  const pre = findPrekey(ctx.me.chain, wrap.epochHint);
  if (!pre.ok) return pre;
  const first = ordered[0] as ParsedChunk;
  const mk = openWrap(wrap.sealed, pre.value.secretKey, pre.value.publicKey, holder.epk, first.messageId);
  // A next-epoch secret derived on the fly is not part of the state: do not leave it in memory.
  if (pre.value.epoch > ctx.me.chain.epoch) wipe(pre.value.secretKey);
  if (mk === undefined) return fail('wrap_failed');
  try {
    // 14: key commitment before any body decryption.
    if (!checkCommitment(mk, first.messageId, holder.commitment)) return fail('bad_commitment');
    // 15: bodies, padding, UTF-8.
    const pieces: Uint8Array[] = [];
    let plaintext: string | undefined;
    try {
      for (const c of ordered) {
        const b = openBody(mk, first.messageId, c.chunkIndex, c.headerBytes, c.body);
        if (!b.ok) return fail(b.reason, `chunk ${c.chunkIndex}`);
        pieces.push(b.value);
      }
      const joined = concat(...pieces);
      plaintext = utf8DecodeStrict(joined);
      wipe(joined);
    } finally {
      wipe(...pieces);
    }
    if (plaintext === undefined) return fail('bad_utf8');
    return ok({
      plaintext,
      sender: ctx.author,
      recipients: sorted,
      messageId: first.messageId,
      replyTo: first.replyTo,
      createdAt: first.createdAt,
      chunkCount: first.chunkCount,
    });
  } finally {
    wipe(mk);
  }
}
