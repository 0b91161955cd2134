import { beforeAll, describe, expect, it } from 'vitest';
import type { DecryptOutcome, KeyServices, SenderTrustKind } from '../services';
import { aliceToBob, memoryArea } from './reader-fixture';
import {
  hushTextOf,
  MAX_STATUSES,
  Reader,
  SERVER_STATUS_TTL,
  type SeenStatus,
  type ServerStatus,
  type ServerStatusAnswer,
} from './reading';

const SENDER = { actorUri: 'https://alice.example/users/alice', fingerprint: 'abcd' };
/** The message the fake key services read by default: 'hello' from SENDER. */
const HELLO = {
  plaintext: 'hello',
  sender: SENDER,
  recipients: [],
  messageId: '00',
  replyTo: null,
  createdAt: 1_800_000_000,
};
const ok = (over: Partial<Extract<DecryptOutcome, { ok: true }>> = {}): DecryptOutcome => ({
  ok: true,
  ...HELLO,
  ...over,
});
const account = { origin: 'https://a.test', accountId: '1' };
const author = { acct: 'alice@alice.example', actorUri: null };
const NO_EXTRAS = { cw: false, media: false, card: false };
const seen = (statusId: string, text: string, over: Partial<SeenStatus> = {}): SeenStatus => ({
  statusId,
  text,
  author,
  mentions: ['bob'],
  serverTime: null,
  extras: NO_EXTRAS,
  ...over,
});

interface Fake {
  services: KeyServices;
  decrypts: () => number;
  setTrust: (k: SenderTrustKind) => void;
  setOutcome: (f: (text: string) => DecryptOutcome) => void;
  setLocked: (l: boolean) => void;
}

function fake(): Fake {
  let trust: SenderTrustKind = 'verified';
  let outcome: (text: string) => DecryptOutcome = () => ok();
  let calls = 0;
  let locked = false;
  const services: KeyServices = {
    checkRecipients: () =>
      Promise.resolve({ account: locked ? ('locked' as const) : ('ready' as const), recipients: [] }),
    encrypt: () => Promise.reject(new Error('unused')),
    decrypt: (_a, req) => {
      calls++;
      return Promise.resolve(outcome(req.chunks[0]?.text ?? ''));
    },
    senderTrust: (_a, s) => Promise.resolve({ kind: trust, acct: 'alice@alice.example', fingerprint: s.fingerprint }),
    handlesOf: (_a, u) => Promise.resolve(u.map(() => 'alice@alice.example')),
    sealLocal: (_a, d) => Promise.resolve(locked ? ('locked' as const) : d),
    openLocal: (_a, d) => Promise.resolve(locked ? ('locked' as const) : d),
    searchAccounts: () => Promise.resolve([]),
    contactList: () => Promise.resolve([]),
  };
  return {
    services,
    decrypts: () => calls,
    setTrust: (k) => (trust = k),
    setOutcome: (f) => (outcome = f),
    setLocked: (l) => (locked = l),
  };
}

const reader = (f: Fake, area = memoryArea()) =>
  new Reader({ services: f.services, area, now: () => Promise.resolve(1_800_000_100) });

/** A fake of the user's instance API for the reply-link check: what it answers per status id. */
function instance() {
  const answers = new Map<string, ServerStatusAnswer>();
  const asked: string[] = [];
  let clock = 1_800_000_100;
  return {
    answers,
    asked,
    tick: (s: number) => (clock += s),
    reader: (f: Fake, area = memoryArea()) =>
      new Reader({
        services: f.services,
        area,
        now: () => Promise.resolve(clock),
        serverStatus: (_a, id) => {
          asked.push(id);
          return Promise.resolve(answers.get(id) ?? 'gone');
        },
      }),
  };
}

// A real Hush status (so inspectChunk parses it), a forged one reusing its message id, and another message.
let text = '';
let forged = '';
let other = '';
/** Hex message id of `text` (the parent), an answer to it in one part and one in several, and an unrelated message. */
let parentId = '';
let answer = '';
let longAnswer: string[] = [];
let unrelated = '';
beforeAll(async () => {
  const make = async (plaintext: string): Promise<string> => (await aliceToBob(plaintext))[0] ?? '';
  text = await make('hi');
  const { inspectChunk } = await import('../../protocol/index');
  const info = inspectChunk(text);
  if (!info.ok) throw new Error('parent does not parse');
  parentId = Array.from(info.value.messageId, (b) => b.toString(16).padStart(2, '0')).join('');
  answer = (await aliceToBob('yes', info.value.messageId))[0] ?? '';
  longAnswer = await aliceToBob('a long answer '.repeat(60), info.value.messageId);
  unrelated = await make('another question');
  other = await make('a withheld message');
  const cps = Array.from(text);
  const at = cps.length - 8;
  cps[at] = cps[at] === '\u4e00' ? '\u4e01' : '\u4e00';
  forged = cps.join('');
});

/** `r` reads `text` as status 111 and shows it unflagged; then it reads `next`: that status's view. */
async function readCleanThen(r: Reader, next: SeenStatus) {
  await r.open(account, seen('111', text));
  expect((await r.view(account, '111')).flags).toEqual([]);
  await r.open(account, next);
  return r.view(account, next.statusId);
}

describe('Reader', () => {
  it('refuses text that is not a Hush status without throwing', async () => {
    const r = reader(fake());
    for (const t of ['', 'hello']) expect((await r.open(account, seen('1', t))).kind).toBe('not_hush');
    // It claims to be Hush but does not parse: a failed view, never the page's text as if plain.
    for (const t of ['[Hush encrypted message] not hush16 at all', '[Hush encrypted message] 丂丂丂']) {
      expect((await r.open(account, seen('1', t))).kind).toBe('malformed');
      expect(await r.view(account, '1')).toMatchObject({ state: 'failed', plaintext: null, reason: 'malformed_text' });
    }
  });

  it('one status shown in several places gives the same answer everywhere, and no replay flag (#16 item 1)', async () => {
    const f = fake();
    const r = reader(f);
    for (let i = 0; i < 3; i++) await r.open(account, seen('111', text));
    const views = await Promise.all([r.view(account, '111'), r.view(account, '111'), r.view(account, '111')]);
    for (const v of views)
      expect(v).toMatchObject({ state: 'message', plaintext: 'hello', flags: [], sender: { trust: 'verified' } });
    expect(f.decrypts()).toBe(1);
  });

  it('the same signed message under another status id is flagged as replayed', async () => {
    const r = reader(fake());
    const again = await readCleanThen(r, seen('222', text));
    expect(again.plaintext).toBe('hello');
    expect(again.flags.map((x) => x.kind)).toContain('replayed');
  });

  it('the replay memory outlives the worker: a later reader flags a re-delivery too', async () => {
    const area = memoryArea();
    const first = reader(fake(), area);
    await first.open(account, seen('111', text));
    await first.view(account, '111');
    const later = reader(fake(), area);
    await later.open(account, seen('333', text));
    expect((await later.view(account, '333')).flags.map((x) => x.kind)).toContain('replayed');
  });

  it('a forged post reusing a message id cannot hide, supersede or get the genuine one flagged', async () => {
    const f = fake();
    f.setOutcome((t) => (t === text ? ok() : { ok: false, reason: 'bad_signature', message: '' }));
    const r = reader(f);
    await r.open(account, seen('forged', forged));
    await r.open(account, seen('real', text));
    expect(await r.view(account, 'real')).toMatchObject({ state: 'message', plaintext: 'hello', flags: [] });
    expect(await r.view(account, 'forged')).toMatchObject({
      state: 'failed',
      plaintext: null,
      reason: 'bad_signature',
    });
  });

  it('copies with the same message id seen first cannot crowd out the genuine status (review F5)', async () => {
    const f = fake();
    f.setOutcome((t) => (t === text ? ok() : { ok: false, reason: 'bad_signature', message: '' }));
    const r = reader(f);
    const cps = Array.from(text);
    for (let i = 0; i < 5; i++) {
      const copy = [...cps];
      copy[cps.length - 3 - i] = copy[cps.length - 3 - i] === '\u4e00' ? '\u4e01' : '\u4e00';
      await r.open(account, seen(`forged${i}`, copy.join('')));
    }
    await r.open(account, seen('real', text));
    expect(await r.view(account, 'real')).toMatchObject({ state: 'message', plaintext: 'hello', flags: [] });
  });

  it('a message first read from an unnamed DM-column entry is no replay when its status shows up (review F1)', async () => {
    const r = reader(fake());
    await r.open(account, seen('c42', text));
    expect((await r.view(account, 'c42')).flags).toEqual([]);
    await r.open(account, seen('111', text));
    expect(await r.view(account, '111')).toMatchObject({ state: 'message', flags: [] });
  });

  it('trust is looked up at every view: a later verification or revocation shows on messages already shown (#16 item 2)', async () => {
    const f = fake();
    f.setTrust('unverified');
    const r = reader(f);
    await r.open(account, seen('111', text));
    expect((await r.view(account, '111')).sender?.trust).toBe('unverified');
    f.setTrust('verified');
    expect((await r.view(account, '111')).sender?.trust).toBe('verified');
    f.setTrust('revoked');
    expect((await r.view(account, '111')).sender?.trust).toBe('revoked');
  });

  it('locked and unreachable are never remembered as verdicts (#21 invariant 4)', async () => {
    const f = fake();
    let state: 'locked' | 'unreachable' | 'ok' = 'unreachable';
    // As in production: decrypt says 'locked' only while the account is locked, which the reader
    // also learns from the account state before it decrypts.
    f.setOutcome(() => (state === 'ok' ? ok() : { ok: false, reason: state, message: '' }));
    const r = reader(f);
    await r.open(account, seen('111', text));
    expect((await r.view(account, '111')).state).toBe('unreachable');
    state = 'locked';
    f.setLocked(true);
    expect((await r.view(account, '111')).state).toBe('locked');
    state = 'ok';
    f.setLocked(false);
    expect(await r.view(account, '111')).toMatchObject({ state: 'message', plaintext: 'hello', flags: [] });
    expect(f.decrypts()).toBe(2); // the unreachable try and the one after unlocking: no verdict was kept
  });

  it('the user\'s own message comes back with its mentions rewritten by the server: no "replaced" flag', async () => {
    const area = memoryArea();
    const r = reader(fake(), area);
    await r.rememberPosted(account, { ...HELLO, statusIds: ['111'] }, [text]);
    // As posted: "@bob@social.example [Hush…"; as the timeline shows it: "@bob [Hush…".
    const shown = text.replace(/^@[^\s]+ /, '@bob ');
    expect(shown).not.toBe(text);
    await r.open(account, seen('111', shown));
    expect(await r.view(account, '111')).toMatchObject({ state: 'message', plaintext: 'hello', flags: [] });
  });

  it('locking hides a message already shown (nothing is kept in memory for it); unlocking brings it back', async () => {
    const f = fake();
    const r = reader(f);
    await r.open(account, seen('111', text));
    expect((await r.view(account, '111')).plaintext).toBe('hello');
    f.setLocked(true);
    f.setOutcome(() => ({ ok: false, reason: 'locked', message: '' }));
    expect(await r.view(account, '111')).toMatchObject({ state: 'locked', plaintext: null });
    f.setLocked(false);
    expect(await r.view(account, '111')).toMatchObject({ state: 'message', plaintext: 'hello' });
  });

  it('a status whose ciphertext is swapped for another genuine message is flagged replaced (#21 invariant 3)', async () => {
    const f = fake();
    f.setOutcome((t) => (t === text ? ok() : ok({ plaintext: 'a withheld message', messageId: '11' })));
    const area = memoryArea();
    const r = reader(f, area);
    const swapped = await readCleanThen(r, seen('111', other));
    expect(swapped.plaintext).toBe('a withheld message');
    expect(swapped.flags.map((x) => x.kind)).toContain('replaced');
  });

  it('flags a server date far from the signed time, and a CW, media or card around the ciphertext', async () => {
    const f = fake();
    f.setOutcome((t) => (t === text ? ok() : ok({ plaintext: 'a withheld message', messageId: '11' })));
    const r = reader(f);
    await r.open(
      account,
      seen('111', text, { serverTime: 1_800_000_000 + 30 * 24 * 3600, extras: { cw: true, media: false, card: true } }),
    );
    const v = await r.view(account, '111');
    expect(v.createdAt).toBe(1_800_000_000);
    expect(v.flags).toEqual(
      expect.arrayContaining([
        { kind: 'time_gap', serverTime: 1_800_000_000 + 30 * 24 * 3600 },
        { kind: 'unsigned_extras', cw: true, media: false, card: true },
      ]),
    );
    // A minute apart and nothing around it: no flag.
    await r.open(account, seen('222', other, { serverTime: 1_800_000_000 + 60 }));
    expect((await r.view(account, '222')).flags).toEqual([]);
  });

  it("R5: an edit that keeps the ciphertext (only edited_at changes) is no 'replaced', before or after a restart", async () => {
    const f = fake();
    const r = reader(f);
    const at = 1_800_000_000 + 60;
    await r.open(account, seen('111', text, { serverTime: at }));
    expect((await r.view(account, '111')).flags).toEqual([]);
    // The server reports an edit (status.update, the page marks it edited) with the same text and date.
    await r.open(account, seen('111', text, { serverTime: at }));
    expect((await r.view(account, '111')).flags).toEqual([]);
    const again = reader(f);
    await again.open(account, seen('111', text, { serverTime: at }));
    expect((await again.view(account, '111')).flags).toEqual([]);
  });

  it('R3: a poll or a quoted post around the ciphertext is flagged "not encrypted, not signed" as a CW is', async () => {
    const f = fake();
    f.setOutcome((t) => (t === text ? ok() : ok({ plaintext: 'a withheld message', messageId: '11' })));
    const r = reader(f);
    await r.open(account, seen('111', text, { extras: { cw: false, media: false, card: false, poll: true } }));
    expect((await r.view(account, '111')).flags).toEqual([
      { kind: 'unsigned_extras', cw: false, media: false, card: false, poll: true },
    ]);
    await r.open(account, seen('222', other, { extras: { cw: false, media: false, card: false, quote: true } }));
    expect((await r.view(account, '222')).flags).toEqual([
      { kind: 'unsigned_extras', cw: false, media: false, card: false, quote: true },
    ]);
  });

  it("the reader's memory is bounded: the least recently registered statuses go, and come back when registered again", async () => {
    const f = fake();
    const r = reader(f);
    for (let i = 0; i < MAX_STATUSES + 100; i++) await r.open(account, seen(`s${i}`, text));
    expect(r.partOf(account, 's0')).toBeNull();
    expect(r.partOf(account, `s${MAX_STATUSES + 99}`)).not.toBeNull();
    // What views.ts does for a view whose status went: register it again, then read it.
    await r.open(account, seen('s0', text));
    expect((await r.view(account, 's0')).state).toBe('message');
  });

  it('a message read once is read from the sealed store later: no new decryption after a restart', async () => {
    const area = memoryArea();
    const f1 = fake();
    const r1 = reader(f1, area);
    await r1.open(account, seen('111', text));
    await r1.view(account, '111');
    const f2 = fake();
    f2.setOutcome(() => ({ ok: false, reason: 'bad_signature', message: 'the prekey is gone' }));
    const r2 = reader(f2, area);
    await r2.open(account, seen('111', text));
    expect(await r2.view(account, '111')).toMatchObject({ state: 'message', plaintext: 'hello', flags: [] });
    expect(f2.decrypts()).toBe(0);
  });

  describe("the signed reply link against the instance's (#21 invariant 3)", () => {
    const answerOutcome = (t: string): DecryptOutcome =>
      t === answer || longAnswer.includes(t)
        ? ok({ plaintext: 'yes', messageId: 'aa', replyTo: parentId })
        : t === text
          ? ok({ messageId: parentId })
          : ok();
    const plain = (inReplyToId: string | null, txt = ''): ServerStatus => ({ inReplyToId, text: txt });
    /** A reader over an instance that links answer a1 to its parent p1, decrypting as answerOutcome says. */
    const answerToP1 = () => {
      const f = fake();
      f.setOutcome(answerOutcome);
      const api = instance();
      const r = api.reader(f);
      api.answers.set('p1', plain(null, text));
      api.answers.set('a1', plain('p1', answer));
      return { f, api, r };
    };

    it('a genuine answer whose instance links it to the signed parent carries no flag, and shows the signed context', async () => {
      const { api, r } = answerToP1();
      await r.open(account, seen('p1', text));
      expect((await r.view(account, 'p1')).flags).toEqual([]);
      await r.open(account, seen('a1', answer));
      const v = await r.view(account, 'a1');
      expect(v).toMatchObject({ state: 'message', flags: [], replyTo: { known: true, snippet: 'hello' } });
      expect(api.asked).toEqual(['a1', 'p1']);
    });

    it("an answer to a message signed with a revoked key does not quote the revoked message's text", async () => {
      const { f, r } = answerToP1();
      await r.open(account, seen('p1', text));
      await r.view(account, 'p1');
      f.setTrust('revoked'); // the parent's key is revoked as compromised after it was read
      await r.open(account, seen('a1', answer));
      const v = await r.view(account, 'a1');
      expect(v).toMatchObject({
        state: 'message',
        replyTo: { known: true, sender: 'alice@alice.example', snippet: null },
      });
      expect(JSON.stringify(v.replyTo)).not.toContain('hello');
    });

    it('the instance re-parenting the answer under a plain post, another question or an unreadable post is flagged, naming which', async () => {
      const f = fake();
      f.setOutcome(answerOutcome);
      const api = instance();
      const r = api.reader(f);
      await r.open(account, seen('a1', answer));
      for (const [parent, shown] of [
        [plain(null, 'Shall we meet at noon?'), 'plain'],
        [plain(null, unrelated), 'other_message'],
        [plain(null, '[Hush encrypted message] 丂丂丂'), 'unreadable'],
      ] as const) {
        api.answers.set('q2', parent);
        api.answers.set('a1', plain('q2', answer));
        api.tick(SERVER_STATUS_TTL + 1);
        const v = await r.view(account, 'a1');
        expect(v.plaintext).toBe('yes');
        expect(v.flags).toEqual([{ kind: 'parent_mismatch', shown }]);
      }
    });

    it('no verdict when the check cannot be made; an instance that does not answer is asked again, never cached (#21 invariant 4)', async () => {
      const f = fake();
      f.setOutcome(answerOutcome);
      const api = instance();
      const r = api.reader(f);
      await r.open(account, seen('a1', answer));
      // No reply link (a parent the receiving instance could not fetch), a deleted parent, no answer at all.
      api.answers.set('a1', plain(null, answer));
      expect((await r.view(account, 'a1')).flags).toEqual([]);
      api.tick(SERVER_STATUS_TTL + 1);
      api.answers.set('a1', plain('gone', answer));
      expect((await r.view(account, 'a1')).flags).toEqual([]);
      api.tick(SERVER_STATUS_TTL + 1);
      api.answers.set('a1', 'unavailable');
      expect((await r.view(account, 'a1')).flags).toEqual([]);
      // The instance answers again (immediately: an unanswered question is not remembered) and re-parents.
      api.answers.set('a1', plain('q2', answer));
      api.answers.set('q2', plain(null, 'Shall we meet at noon?'));
      expect((await r.view(account, 'a1')).flags).toEqual([{ kind: 'parent_mismatch', shown: 'plain' }]);
    });

    it('a multi-part answer: its first part links to the parent, each later part to the previous part; no flag anywhere', async () => {
      expect(longAnswer.length).toBeGreaterThan(1);
      const f = fake();
      f.setOutcome(answerOutcome);
      const api = instance();
      const r = api.reader(f);
      api.answers.set('p1', plain(null, text));
      longAnswer.forEach((t, i) => api.answers.set(`a${i}`, plain(i === 0 ? 'p1' : `a${i - 1}`, t)));
      for (let i = 0; i < longAnswer.length; i++) await r.open(account, seen(`a${i}`, longAnswer[i] ?? ''));
      for (let i = 0; i < longAnswer.length; i++) {
        const v = await r.view(account, `a${i}`);
        expect(v.flags.filter((x) => x.kind === 'parent_mismatch')).toEqual([]);
      }
    });

    it("the user's own answer, remembered when posted, carries no flag", async () => {
      const f = fake();
      const api = instance();
      const r = api.reader(f);
      api.answers.set('p1', plain(null, text));
      api.answers.set('mine', plain('p1', answer));
      await r.rememberPosted(
        account,
        { ...HELLO, plaintext: 'yes', messageId: 'aa', replyTo: parentId, statusIds: ['mine'] },
        [answer],
      );
      await r.open(account, seen('mine', answer.replace(/^@[^\s]+ /, '@bob ')));
      expect(await r.view(account, 'mine')).toMatchObject({ state: 'message', flags: [] });
      expect(f.decrypts()).toBe(0);
    });

    it("reads the Hush text out of the instance's HTML content exactly", () => {
      const at = text.indexOf('[Hush');
      const html = `<p><span class="h-card"><a href="https://b.test/@bob" class="u-url mention">@<span>bob</span></a></span> ${text.slice(at)}</p>`;
      expect(hushTextOf(html)).toBe(text.slice(at));
      expect(hushTextOf('<p>Shall we meet?</p>')).toBe('');
    });

    it("what the instance already answered (a thread's context) is used without asking again, and still flags a re-parented answer", async () => {
      const f = fake();
      f.setOutcome(answerOutcome);
      const api = instance();
      const r = api.reader(f);
      await r.knowServerStatus(account, 'p1', plain(null, text));
      await r.knowServerStatus(account, 'a1', plain('p1', answer));
      await r.open(account, seen('a1', answer));
      expect((await r.view(account, 'a1')).flags).toEqual([]);
      // The context says the answer hangs under a plain post: flagged, as when asked one by one.
      await r.knowServerStatus(account, 'q2', plain(null, 'Shall we meet at noon?'));
      await r.knowServerStatus(account, 'a1', plain('q2', answer));
      expect((await r.view(account, 'a1')).flags).toEqual([{ kind: 'parent_mismatch', shown: 'plain' }]);
      expect(api.asked).toEqual([]);
      // Known answers age like asked ones: after the TTL the instance is asked again.
      api.tick(SERVER_STATUS_TTL + 1);
      api.answers.set('a1', plain('p1', answer));
      api.answers.set('p1', plain(null, text));
      expect((await r.view(account, 'a1')).flags).toEqual([]);
      expect(api.asked).toEqual(['a1', 'p1']);
    });

    it("a brief view (the inbox list's one-line preview) shows the text and state without the reply check or context", async () => {
      const f = fake();
      f.setOutcome(answerOutcome);
      const api = instance();
      const r = api.reader(f);
      api.answers.set('a1', plain('q2', answer));
      api.answers.set('q2', plain(null, 'a plain post'));
      await r.open(account, seen('a1', answer));
      expect(await r.view(account, 'a1', { brief: true })).toMatchObject({
        state: 'message',
        plaintext: 'yes',
        replyTo: null,
        flags: [],
      });
      expect(api.asked).toEqual([]);
      // The full view (the chat) still checks and flags.
      expect((await r.view(account, 'a1')).flags).toEqual([{ kind: 'parent_mismatch', shown: 'plain' }]);
    });

    it('a message signed as no reply is not checked (a reply to a plain post signs no parent)', async () => {
      const api = instance();
      const r = api.reader(fake());
      api.answers.set('111', plain('q2', text));
      api.answers.set('q2', plain(null, 'a plain post'));
      await r.open(account, seen('111', text));
      expect((await r.view(account, '111')).flags).toEqual([]);
      expect(api.asked).toEqual([]);
    });
  });
});
