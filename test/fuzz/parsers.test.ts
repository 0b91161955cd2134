/**
 * Fuzzing every parser that sees outside input (issue #7): hostile strings and bytes must give
 * typed failures, never an exception, never a false accept, and bounded memory.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectMastodon } from '../../src/content/mastodon/detect';
import { validateRequest } from '../../src/messaging/validate';
import { requestSchemas, type SenderKind } from '../../src/messaging/messages';
import {
  decryptMessage,
  encryptMessage,
  importBackup,
  init,
  inspectChunk,
  parseBundle,
  parseRevocation,
  parseStatusText,
  STATUS_PREFIX_TEXT,
} from '../../src/protocol/index';
import { ALICE, BOB, CAROL, live, mentionOf, NOW } from '../vectors/fixtures';
import { counted, FUZZ_RUNS, fuzzStats } from './config';
import { recordSummary } from '../adversarial/summary-store';

const runs = { numRuns: FUZZ_RUNS };
const senders: SenderKind[] = ['content', 'frame', 'extension-page'];
let heapBefore = 0;

const heapNow = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
};

beforeAll(async () => {
  await init();
  heapBefore = heapNow();
});

afterAll(() => {
  // Bounded memory: whatever the fuzzers fed in, the heap did not balloon.
  const grownMb = (heapNow() - heapBefore) / 1e6;
  // Measured: a constant ~87 MB of one-time allocations (Intl segmenter data, fast-check
  // arbitraries) whether 2.4k or 212k cases ran; growth with the case count would cross this.
  expect(grownMb).toBeLessThan(160);
  console.log(`fuzz: ${fuzzStats.cases} cases, ${fuzzStats.crashes} crashes, heap +${grownMb.toFixed(0)} MB`);
  recordSummary({
    kind: 'fuzz',
    label: 'protocol and message parsers',
    cases: fuzzStats.cases,
    crashes: fuzzStats.crashes,
  });
});

describe('runtime messages (background input)', () => {
  it('any value from any sender gives a typed verdict, never an exception', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withTypedArray: true }),
        fc.constantFrom(...senders),
        counted((raw, sender) => {
          const r = validateRequest(raw, sender);
          if (!r.ok)
            expect(['bad_request', 'unknown_type', 'forbidden_sender']).toContain(r.reply.ok ? '' : r.reply.error.code);
          return true;
        }),
      ),
      runs,
    );
  });

  it('a well-formed envelope with a random payload is accepted only when the schema accepts it', () => {
    const types = Object.keys(requestSchemas) as (keyof typeof requestSchemas)[];
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.anything(),
        fc.constantFrom(...senders),
        counted((type, payload, sender) => {
          const r = validateRequest({ type, payload }, sender);
          if (r.ok) {
            // No false accept: the accepted request is exactly the one sent, from an allowed sender.
            expect(r.request.type).toBe(type);
            expect((requestSchemas[type].from as readonly string[]).includes(sender)).toBe(true);
          }
          return true;
        }),
      ),
      runs,
    );
  });
});

describe('page markers (content input)', () => {
  it('detectMastodon never throws on hostile markers', () => {
    const jsonish = fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(
        fc.option(jsonish, { nil: null }),
        fc.option(jsonish, { nil: null }),
        counted((holderProps, initialState) => {
          const r = detectMastodon({ holderProps, initialState });
          return typeof r.ok === 'boolean';
        }),
      ),
      runs,
    );
  });
});

describe('protocol parsers (server input)', () => {
  const alice = live(ALICE);
  const bob = live(BOB);
  const carol = live(CAROL);
  const ctxForBob = { author: alice.party, recipients: [bob.party], me: { ...bob.party, chain: bob.chain }, now: NOW };

  it('status text: arbitrary text after the prefix never throws and never yields bytes for junk', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 600 }),
        counted((s) => {
          const r = parseStatusText(STATUS_PREFIX_TEXT + s);
          if (r.ok) expect(r.value).toBeInstanceOf(Uint8Array);
          return true;
        }),
      ),
      runs,
    );
  });

  it('bundles and revocations: arbitrary field values are typed failures', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        counted((s) => {
          expect(parseBundle(s).ok).toBe(false);
          expect(parseRevocation(s, ALICE.actorUri).ok).toBe(false);
          expect(parseBundle(`hush1 ${s}`).ok).toBe(false);
          return true;
        }),
      ),
      runs,
    );
  });

  it('envelopes: random bytes and random Hush16 text never decrypt and never throw', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1200 }),
        counted((bytes) => {
          expect(typeof inspectChunk(bytes).ok).toBe('boolean');
          expect(decryptMessage([bytes], ctxForBob).ok).toBe(false);
          return true;
        }),
      ),
      runs,
    );
  });

  it('a real envelope with any byte-level mutation never decrypts as something else', () => {
    const sent = encryptMessage({
      sender: { identity: alice.identity, chain: alice.chain },
      recipients: [bob.key, carol.key],
      plaintext: 'meet at noon',
      now: NOW,
      statusBudget: { maxChars: 500, mentionText: `${mentionOf(BOB)} ${mentionOf(CAROL)} ` },
    });
    if (!sent.ok) throw new Error(sent.reason);
    const chunk = sent.value.chunks[0] ?? new Uint8Array();
    const ctx = { ...ctxForBob, recipients: [bob.party, carol.party] };
    expect(decryptMessage([chunk], ctx)).toMatchObject({ ok: true, value: { plaintext: 'meet at noon' } });
    fc.assert(
      fc.property(
        fc.nat({ max: chunk.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        fc.nat({ max: 8 }),
        counted((at, xor, truncate) => {
          const mutated = chunk.slice(0, chunk.length - truncate);
          if (at < mutated.length) mutated[at] = (mutated[at] ?? 0) ^ xor;
          const r = decryptMessage([mutated], ctx);
          expect(r.ok).toBe(false);
          return true;
        }),
      ),
      runs,
    );
  });

  it('backups: random files and codes fail cleanly (bounded KDF cost)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.string({ maxLength: 40 }),
        counted((file, code) => {
          expect(importBackup(file, code).ok).toBe(false);
          return true;
        }),
      ),
      runs,
    );
  });
});
