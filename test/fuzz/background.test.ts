/**
 * Fuzzing the background's parsers of outside data (issue #7): profile field HTML, the Mastodon
 * API responses the key store reads, stored state it finds at start, overlay pushes and drafts.
 * Each must give a typed result for anything, never throw, and never accept what it should not.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fullHandle } from '../../src/messaging/handle';
import { sizeClassOfCiphertext } from '../../src/background/overlay/views';
import { planFields, fieldsMatch, MAX_FIELDS } from '../../src/background/keys/fields';
import { materialOf } from '../../src/background/network/discovery';
import { htmlToText } from '../../src/background/network/html-text';
import { MastodonApi } from '../../src/background/network/mastodon';
import { MemoryArea } from '../../src/background/storage/kv';
import { migrate } from '../../src/background/storage/migrations';
import { SCHEMA_KEY, SCHEMA_VERSION } from '../../src/background/storage/schema';
import { KeyStore } from '../../src/background/storage/store';
import { OverlayPushSchema, sizeClassOf } from '../../src/messaging/overlay-messages';
import { currentPrekey, encodeBundle, init } from '../../src/protocol/index';
import { ALICE, live, MALLORY } from '../vectors/fixtures';
import { MessageStore } from '../../src/background/overlay/message-store';
import { counted, countedAsync, FUZZ_RUNS, fuzzStats } from './config';
import { recordSummary } from '../adversarial/summary-store';

// overlay/views.ts reaches background/sessions.ts, whose default areas are the browser's: none is
// used here (the parsers are fuzzed alone), but the polyfill refuses to load outside an extension.
vi.mock('webextension-polyfill', () => ({ default: { runtime: {}, storage: {} } }));

const runs = { numRuns: FUZZ_RUNS };
// Async properties touch storage stand-ins and fake fetches: a tenth of the budget keeps `npm test` quick.
const asyncRuns = { numRuns: Math.max(50, Math.floor(FUZZ_RUNS / 10)) };
const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

beforeAll(async () => {
  await init();
});

afterAll(() => {
  console.log(`fuzz (background parsers): ${fuzzStats.cases} cases, ${fuzzStats.crashes} crashes`);
  recordSummary({ kind: 'fuzz', label: 'background parsers', cases: fuzzStats.cases, crashes: fuzzStats.crashes });
});

describe('profile field HTML (htmlToText)', () => {
  it('never throws; null exactly for non-strings and oversized input', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.anything()),
        counted((x) => {
          const r = htmlToText(x);
          if (typeof x !== 'string') expect(r).toBeNull();
          else expect(typeof r).toBe('string');
          return true;
        }),
      ),
      runs,
    );
    expect(htmlToText('a'.repeat(16_385))).toBeNull();
  });

  it('recovers any escaped text exactly (the field text Mastodon returns for a plain value)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        counted((s) => {
          fc.pre(!/[\r\n]/.test(s));
          expect(htmlToText(`<p>${escapeHtml(s)}</p>`)).toBe(s);
          return true;
        }),
      ),
      runs,
    );
  });
});

describe('key material in an account (materialOf)', () => {
  const alice = live(ALICE);
  const pre = currentPrekey(alice.chain);
  const bundle = encodeBundle(alice.identity, pre.epoch, pre.publicKey);
  const account = (uri: string, values: string[]) => ({
    id: '1',
    username: 'alice',
    acct: 'alice',
    url: null,
    uri,
    fields: values.map((value, i) => ({ name: `f${i}`, value })),
  });

  it('finds the real bundle among arbitrary other fields', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 120 }), { maxLength: 3 }),
        fc.nat({ max: 3 }),
        counted((others, at) => {
          const values = [...others];
          values.splice(Math.min(at, values.length), 0, escapeHtml(bundle));
          expect(materialOf(account(ALICE.actorUri, values)).kind).toBe('bundle');
          return true;
        }),
      ),
      runs,
    );
  });

  it('a bundle moved to another actor, or with any character changed, is never accepted as a different key', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: bundle.length - 1 }),
        fc.integer({ min: 0x21, max: 0x7e }),
        counted((at, code) => {
          const mutated = bundle.slice(0, at) + String.fromCharCode(code) + bundle.slice(at + 1);
          const m = materialOf(account(ALICE.actorUri, [mutated]));
          // A mutation that still verifies must be a non-canonical spelling of the same bytes.
          if (m.kind === 'bundle') {
            expect(Buffer.from(m.bundle.identityPk).equals(Buffer.from(alice.identity.publicKey))).toBe(true);
            expect(Buffer.from(m.bundle.prekeyPk).equals(Buffer.from(pre.publicKey))).toBe(true);
            expect(m.bundle.epoch).toBe(pre.epoch);
          }
          expect(materialOf(account(MALLORY.actorUri, [mutated])).kind).not.toBe('bundle');
          return true;
        }),
      ),
      runs,
    );
  });
});

describe('Mastodon API responses (MastodonApi over a hostile server)', () => {
  const body = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.json({ maxDepth: 6 }),
    fc
      .record({
        id: fc.string(),
        username: fc.string(),
        acct: fc.string(),
        uri: fc.string(),
        url: fc.option(fc.string()),
        fields: fc.anything(),
      })
      .map((o) => JSON.stringify(o)),
    fc
      .record({ accounts: fc.array(fc.anything(), { maxLength: 3 }), domain: fc.anything() })
      .map((o) => JSON.stringify(o)),
  );
  const status = fc.constantFrom(200, 200, 200, 404, 500, 302);

  it('every call returns a typed result for any body and status', async () => {
    await fc.assert(
      fc.asyncProperty(
        body,
        status,
        countedAsync(async (text, code) => {
          const api = new MastodonApi(() =>
            Promise.resolve(new Response(code === 302 ? null : text, { status: code })),
          );
          for (const r of [
            await api.lookup('https://x.test', 'a@b.test'),
            await api.resolve('https://x.test', 'a@b.test', 't'),
            await api.verifyCredentials('https://x.test', 't'),
            await api.domain('https://x.test'),
          ]) {
            expect(typeof r.ok).toBe('boolean');
            if (!r.ok) expect(['network', 'status', 'bad_json', 'bad_shape', 'not_found']).toContain(r.kind);
          }
          return true;
        }),
      ),
      asyncRuns,
    );
  });

  it('a fetch that throws or rejects anything is a network failure', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.anything(),
        countedAsync(async (thrown) => {
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a hostile fetch may reject with anything
          const api = new MastodonApi(() => Promise.reject(thrown));
          const r = await api.lookup('https://x.test', 'a');
          expect(r).toMatchObject({ ok: false, kind: 'network' });
          return true;
        }),
      ),
      asyncRuns,
    );
  });
});

describe('stored state found at start (migrations, KeyStore reads)', () => {
  const junk = fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        SCHEMA_KEY,
        'hush:contacts',
        'hush:settings',
        'hush:vault',
        'hush:account:https://a.test#1',
        'hush:seen:x',
      ),
      fc.string({ maxLength: 20 }),
    ),
    fc.jsonValue({ maxDepth: 4 }),
    { maxKeys: 6 },
  );

  // A v1 account record with any subset of its fields, each any JSON value (v1 had no version stamp).
  const v1Account = fc.record(
    {
      origin: fc.jsonValue({ maxDepth: 1 }),
      accountId: fc.jsonValue({ maxDepth: 1 }),
      acct: fc.jsonValue({ maxDepth: 1 }),
      identitySeed: fc.jsonValue({ maxDepth: 1 }),
      publishedEpoch: fc.jsonValue({ maxDepth: 1 }),
      chain: fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.record(
          {
            origin: fc.integer(),
            period: fc.integer(),
            epoch: fc.integer(),
            chainSecret: fc.string(),
            retained: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  );
  const stored = fc.oneof(
    junk,
    v1Account.map((a) => ({ 'hush:account:https://a.test#1': a })),
  );

  it('migrate gives a typed outcome for any stored values; reads never throw after it', async () => {
    await fc.assert(
      fc.asyncProperty(
        stored,
        countedAsync(async (items) => {
          const area = new MemoryArea();
          await area.set(items);
          const out = await migrate(area);
          // Handled refusals only: this storage never fails a write, and a step that throws
          // ('migration_bug') is a crash the outcome merely carries.
          if (out.ok) expect(out.to).toBe(SCHEMA_VERSION);
          else expect(['newer_schema', 'unknown_schema'], `${out.reason}: ${out.detail}`).toContain(out.reason);
          const store = new KeyStore(area);
          await store.accounts();
          await store.account('https://a.test', '1');
          await store.contacts();
          return true;
        }),
      ),
      asyncRuns,
    );
  });
});

describe("the reader's store over damaged stored records", () => {
  // The replay memory and the sealed messages live in storage.local: outside input too.
  it('any stored value gives a record or null, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 3 }),
        fc.jsonValue({ maxDepth: 3 }),
        fc.string({ maxLength: 40 }),
        countedAsync(async (record, replay, sealed) => {
          const area = new MemoryArea();
          await area.set({
            'hush-st:acc:1': record,
            'hush-mid:acc:tag:mid': replay,
            'hush-msg:acc:1': sealed,
            'hush-idx:acc': record,
          });
          const store = new MessageStore(area, 'acc', {
            seal: (d) => Promise.resolve(d),
            open: (d) => Promise.resolve(d),
          });
          const st = await store.status('1');
          expect(st === null || typeof st.hash === 'string').toBe(true);
          const rp = await store.replay('tag', 'mid');
          expect(rp === null || Array.isArray(rp.statusIds)).toBe(true);
          const m = await store.message('1');
          expect(m === null || m === 'locked' || typeof m.plaintext === 'string').toBe(true);
          return true;
        }),
      ),
      asyncRuns,
    );
  });
});

describe('profile fields are preserved (planFields)', () => {
  const field = fc.record({
    name: fc.string({ unit: 'grapheme', maxLength: 40 }),
    value: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.webUrl()),
  });

  it('every field except the one Hush takes stays byte for byte, in place', () => {
    fc.assert(
      fc.property(
        fc.array(field, { maxLength: MAX_FIELDS }),
        fc.option(fc.nat({ max: 5 }), { nil: null }),
        counted((current, choice) => {
          const plan = planFields(current, 'Hush encryption key AAAA', choice);
          if (plan.kind !== 'ok') return true;
          expect(plan.fields.length).toBeLessThanOrEqual(MAX_FIELDS);
          const kept = plan.fields.filter((_, i) => i !== plan.index);
          const before = current.filter((_, i) => i !== plan.index);
          expect(fieldsMatch(kept, before)).toBe(true);
          // Nothing dropped without the user's choice.
          if (plan.replaced !== null) expect(choice).toBe(plan.index);
          return true;
        }),
      ),
      runs,
    );
  });
});

describe('content and overlay inputs', () => {
  it('overlay pushes: any value is parsed or refused, never thrown', () => {
    fc.assert(
      fc.property(
        fc.anything(),
        counted((x) => {
          expect(typeof v.safeParse(OverlayPushSchema, x).success).toBe('boolean');
          return true;
        }),
      ),
      runs,
    );
  });

  it('size classes: any text maps to one of 4 classes (2 bits), never thrown', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 2000 }),
        fc.nat({ max: 64 }),
        counted((s, n) => {
          expect([0, 1, 2, 3]).toContain(sizeClassOf(s));
          expect([0, 1, 2, 3]).toContain(sizeClassOfCiphertext(s, n));
          return true;
        }),
      ),
      runs,
    );
  });

  it('recipient handles typed in the editor: a full handle user@domain or refused, never thrown', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        counted((s) => {
          const h = fullHandle(s, 'home.test');
          if (h !== null) expect(h).toMatch(/^[A-Za-z0-9_.-]+@[A-Za-z0-9.:-]+$/);
          return true;
        }),
      ),
      runs,
    );
  });
});
