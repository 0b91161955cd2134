// Binary layout of one envelope chunk (docs/PROTOCOL.md §4.5): serialise and parse, no crypto here.
import { concat, readU32, u32, u8 } from './bytes';
import { fail, ok, type Result } from './errors';
import { VERSION } from './labels';

export const MAX_CHUNKS = 16;
export const MAX_RECIPIENTS = 50;
export const MAX_WRAPS = MAX_RECIPIENTS + 1;
export const MAX_CHUNK_BYTES = 16384;
export const WRAP_BYTES = 49;
export const SIGNATURE_BYTES = 64;
export const AEAD_TAG_BYTES = 16;
/** Fixed header: version, flags, index, count, message id, time, key id, context check. */
export const HEADER_BYTES = 32;
export const REPLY_TO_BYTES = 16;
/** wrap_start + wrap_count. */
export const WRAP_FIELDS_BYTES = 2;
/** epk + commitment, present when a chunk carries wraps. */
export const WRAP_KEYS_BYTES = 64;
/** Smallest body: the padding marker plus the AEAD tag. */
export const MIN_BODY_BYTES = 1 + AEAD_TAG_BYTES;

export interface Wrap {
  readonly epochHint: number;
  readonly sealed: Uint8Array; // 48 bytes
}

export interface ChunkHeader {
  readonly chunkIndex: number;
  readonly chunkCount: number;
  readonly messageId: Uint8Array;
  readonly createdAt: number;
  readonly senderKeyId: Uint8Array;
  readonly contextCheck: Uint8Array;
  readonly replyTo: Uint8Array | null;
  readonly wrapStart: number;
  readonly wraps: readonly Wrap[];
  /** Present iff wraps.length > 0. */
  readonly epk: Uint8Array | null;
  readonly commitment: Uint8Array | null;
}

export interface ParsedChunk extends ChunkHeader {
  /** Everything before the body: the body's AEAD associated data. */
  readonly headerBytes: Uint8Array;
  readonly body: Uint8Array;
  /** Everything before the signature. */
  readonly signedBytes: Uint8Array;
  readonly signature: Uint8Array;
  readonly raw: Uint8Array;
}

export function headerLength(hasReplyTo: boolean, wrapCount: number): number {
  return (
    HEADER_BYTES +
    (hasReplyTo ? REPLY_TO_BYTES : 0) +
    WRAP_FIELDS_BYTES +
    (wrapCount > 0 ? WRAP_KEYS_BYTES + wrapCount * WRAP_BYTES : 0)
  );
}

export function serializeHeader(h: ChunkHeader): Uint8Array {
  const parts: Uint8Array[] = [
    u8(VERSION),
    u8(h.replyTo === null ? 0 : 1),
    u8(h.chunkIndex),
    u8(h.chunkCount),
    h.messageId,
    u32(h.createdAt),
    h.senderKeyId,
    h.contextCheck,
  ];
  if (h.replyTo !== null) parts.push(h.replyTo);
  parts.push(u8(h.wrapStart), u8(h.wraps.length));
  if (h.wraps.length > 0) {
    if (h.epk === null || h.commitment === null) throw new Error('wrap chunk needs epk and commitment');
    parts.push(h.epk, h.commitment);
    for (const w of h.wraps) parts.push(u8(w.epochHint), w.sealed);
  }
  return concat(...parts);
}

export type ParseReason = 'malformed' | 'unsupported_version';

/** Structural parse of one chunk. Never throws; every length is checked before slicing. */
export function parseChunk(raw: Uint8Array): Result<ParsedChunk, ParseReason> {
  if (!(raw instanceof Uint8Array) || raw.length < 1 || raw.length > MAX_CHUNK_BYTES)
    return fail('malformed', 'length');
  if (raw[0] !== VERSION) return fail('unsupported_version', `version ${raw[0] ?? -1}`);
  if (raw.length < HEADER_BYTES + WRAP_FIELDS_BYTES + MIN_BODY_BYTES + SIGNATURE_BYTES)
    return fail('malformed', 'too short');
  const flags = raw[1] ?? 0;
  if ((flags & 0xfe) !== 0) return fail('malformed', 'reserved flag bits');
  const chunkIndex = raw[2] ?? 0;
  const chunkCount = raw[3] ?? 0;
  if (chunkCount < 1 || chunkCount > MAX_CHUNKS || chunkIndex >= chunkCount)
    return fail('malformed', 'chunk index/count');
  let off = HEADER_BYTES;
  let replyTo: Uint8Array | null = null;
  if ((flags & 1) === 1) {
    replyTo = raw.slice(off, off + REPLY_TO_BYTES);
    off += REPLY_TO_BYTES;
  }
  const wrapStart = raw[off] ?? 0;
  const wrapCount = raw[off + 1] ?? 0;
  off += WRAP_FIELDS_BYTES;
  if (wrapCount > MAX_WRAPS || wrapStart + wrapCount > MAX_WRAPS) return fail('malformed', 'wrap count');
  const hdrLen = headerLength(replyTo !== null, wrapCount);
  if (raw.length < hdrLen + MIN_BODY_BYTES + SIGNATURE_BYTES) return fail('malformed', 'truncated');
  let epk: Uint8Array | null = null;
  let commitment: Uint8Array | null = null;
  const wraps: Wrap[] = [];
  if (wrapCount > 0) {
    epk = raw.slice(off, off + 32);
    commitment = raw.slice(off + 32, off + 64);
    off += WRAP_KEYS_BYTES;
    for (let i = 0; i < wrapCount; i++, off += WRAP_BYTES)
      wraps.push({ epochHint: raw[off] ?? 0, sealed: raw.slice(off + 1, off + WRAP_BYTES) });
  }
  const sigAt = raw.length - SIGNATURE_BYTES;
  return ok({
    chunkIndex,
    chunkCount,
    messageId: raw.slice(4, 20),
    createdAt: readU32(raw, 20),
    senderKeyId: raw.slice(24, 28),
    contextCheck: raw.slice(28, 32),
    replyTo,
    wrapStart,
    wraps,
    epk,
    commitment,
    headerBytes: raw.slice(0, hdrLen),
    body: raw.slice(hdrLen, sigAt),
    signedBytes: raw.slice(0, sigAt),
    signature: raw.slice(sigAt),
    raw,
  });
}
