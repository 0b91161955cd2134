// Chunk planning (sender) and assembly checks (receiver), docs/PROTOCOL.md §4.5 (layout) and §4.8 (planner).
import { equalPublic } from './bytes';
import { fail, ok, type Result } from './errors';
import {
  HEADER_BYTES,
  MAX_CHUNKS,
  MAX_CHUNK_BYTES,
  MIN_BODY_BYTES,
  REPLY_TO_BYTES,
  SIGNATURE_BYTES,
  WRAP_BYTES,
  WRAP_FIELDS_BYTES,
  WRAP_KEYS_BYTES,
  type ParsedChunk,
} from './envelope';

export interface ChunkPlan {
  readonly wrapStart: number;
  readonly wrapCount: number;
  /** Plaintext byte range carried by this chunk. */
  readonly pieceStart: number;
  readonly pieceEnd: number;
  /** Padded body plaintext length (piece capacity + 1 marker byte). */
  readonly padTo: number;
}

/**
 * Greedy plan: wraps first (from chunk 0), then plaintext; every chunk exactly `capacity` bytes.
 */
export function planChunks(
  capacity: number,
  totalWraps: number,
  plaintextLength: number,
  hasReplyTo: boolean,
): Result<ChunkPlan[], 'budget_too_small' | 'too_long'> {
  const cap = Math.min(capacity, MAX_CHUNK_BYTES);
  const free =
    cap - HEADER_BYTES - (hasReplyTo ? REPLY_TO_BYTES : 0) - WRAP_FIELDS_BYTES - SIGNATURE_BYTES - MIN_BODY_BYTES;
  if (free < WRAP_KEYS_BYTES + WRAP_BYTES) return fail('budget_too_small', `chunk capacity ${cap} bytes`);
  const plans: ChunkPlan[] = [];
  let wrapsLeft = totalWraps;
  let at = 0;
  while (wrapsLeft > 0 || at < plaintextLength || plans.length === 0) {
    if (plans.length === MAX_CHUNKS) return fail('too_long', `more than ${MAX_CHUNKS} statuses needed`);
    const k = Math.min(wrapsLeft, Math.floor((free - WRAP_KEYS_BYTES) / WRAP_BYTES));
    const pieceCap = free - (k > 0 ? WRAP_KEYS_BYTES + k * WRAP_BYTES : 0);
    const take = Math.min(pieceCap, plaintextLength - at);
    plans.push({
      wrapStart: totalWraps - wrapsLeft,
      wrapCount: k,
      pieceStart: at,
      pieceEnd: at + take,
      padTo: pieceCap + 1,
    });
    wrapsLeft -= k;
    at += take;
  }
  return ok(plans);
}

/** Largest plaintext (bytes) that fits in `chunks` statuses: used by the UI and the bench. */
export function plaintextCapacity(capacity: number, totalWraps: number, hasReplyTo: boolean, chunks = 1): number {
  let lo = 0;
  let hi = MAX_CHUNK_BYTES * MAX_CHUNKS;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const p = planChunks(capacity, totalWraps, mid, hasReplyTo);
    if (p.ok && p.value.length <= chunks) lo = mid;
    else hi = mid - 1;
  }
  const p0 = planChunks(capacity, totalWraps, lo, hasReplyTo);
  return p0.ok && p0.value.length <= chunks ? lo : -1;
}

export type AssemblyReason = 'chunk_conflict' | 'incomplete';

/** Check that verified chunks form exactly one complete message; returns them ordered by index. */
export function assembleChunks(
  chunks: readonly ParsedChunk[],
  totalWraps: number,
): Result<ParsedChunk[], AssemblyReason> {
  const first = chunks[0];
  if (first === undefined) return fail('incomplete', 'no chunks');
  const byIndex = new Map<number, ParsedChunk>();
  for (const c of chunks) {
    if (!equalPublic(c.messageId, first.messageId)) return fail('chunk_conflict', 'message ids differ');
    if (c.chunkCount !== first.chunkCount || c.createdAt !== first.createdAt)
      return fail('chunk_conflict', 'count/time differ');
    if (
      (c.replyTo === null) !== (first.replyTo === null) ||
      (c.replyTo !== null && first.replyTo !== null && !equalPublic(c.replyTo, first.replyTo))
    ) {
      return fail('chunk_conflict', 'reply-to differs');
    }
    const seen = byIndex.get(c.chunkIndex);
    if (seen !== undefined && !equalPublic(seen.raw, c.raw))
      return fail('chunk_conflict', `two different chunks ${c.chunkIndex}`);
    byIndex.set(c.chunkIndex, c);
  }
  const ordered: ParsedChunk[] = [];
  for (let i = 0; i < first.chunkCount; i++) {
    const c = byIndex.get(i);
    if (c === undefined) return fail('incomplete', `chunk ${i + 1} of ${first.chunkCount} missing`);
    ordered.push(c);
  }
  let next = 0;
  let keys: ParsedChunk | undefined;
  for (const c of ordered) {
    if (c.wrapStart !== next) return fail('chunk_conflict', 'wrap layout');
    next += c.wraps.length;
    if (c.wraps.length === 0) continue;
    if (keys === undefined) keys = c;
    else if (
      !equalPublic(keys.epk ?? new Uint8Array(), c.epk ?? new Uint8Array(1)) ||
      !equalPublic(keys.commitment ?? new Uint8Array(), c.commitment ?? new Uint8Array(1))
    ) {
      return fail('chunk_conflict', 'epk/commitment differ between chunks');
    }
  }
  if (next !== totalWraps) return fail('chunk_conflict', `wrap count ${next}, expected ${totalWraps}`);
  return ok(ordered);
}
