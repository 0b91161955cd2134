/**
 * Server-side review (attack-server branch): a false alarm the user's instance can cause on a
 * genuine message (claim 4, "no false alarms"). Real send path (publishing/send.ts, publisher.ts)
 * and real Reader; fake KeyServices (whose encrypt/decrypt stand for the protocol: the signed
 * creation time is the time of encryption) and a fake instance API. Both failed on the reviewed
 * code (2026-12-07) and pass since their fixes (send.ts re-encrypts late retries; MessageStore.put
 * never overwrites another message's status record).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyServices } from '../../src/background/services';
import type { StorageArea } from '../../src/background/overlay/message-store';
import { Reader } from '../../src/background/overlay/reading';
import { sendDraft, type SendJob } from '../../src/background/publishing/send';
import type { ApiResult, NewStatus, StatusApi, StatusJson } from '../../src/background/publishing/status-api';
import type { ComposeStatus } from '../../src/messaging/overlay-messages';

function memory(): StorageArea {
  const m = new Map<string, unknown>();
  return {
    get: (keys) => Promise.resolve(Object.fromEntries(keys.filter((k) => m.has(k)).map((k) => [k, m.get(k)]))),
    set: (items) => {
      for (const [k, v] of Object.entries(items)) m.set(k, v);
      return Promise.resolve();
    },
    remove: (keys) => {
      for (const k of keys) m.delete(k);
      return Promise.resolve();
    },
  };
}

let text = '';
let text2 = '';
beforeAll(async () => {
  const { init, encryptMessage } = await import('../../src/protocol/index');
  const { ALICE, BOB, live, NOW } = await import('../vectors/fixtures');
  await init();
  const r = encryptMessage({
    sender: { identity: live(ALICE).identity, chain: live(ALICE).chain },
    recipients: [live(BOB).key],
    plaintext: 'x',
    now: NOW,
    statusBudget: { maxChars: 500, mentionText: '@bob@b.test ' },
  });
  if (!r.ok) throw new Error(r.reason);
  text = r.value.statuses[0] ?? '';
  const r2 = encryptMessage({
    sender: { identity: live(BOB).identity, chain: live(BOB).chain },
    recipients: [live(ALICE).key],
    plaintext: 'y',
    now: NOW,
    statusBudget: { maxChars: 500, mentionText: '@carol@c.test ' },
  });
  if (!r2.ok) throw new Error(r2.reason);
  text2 = r2.value.statuses[0] ?? '';
});

describe('review (server): a retried send and the time-gap flag', () => {
  it('F-retry-gap: a message whose first send failed and that is retried two hours later reads without a time-gap warning', async () => {
    const clock = { now: 1_800_000_000 };
    const ALICE = { actorUri: 'https://a.test/users/alice', fingerprint: 'afp' };
    let signedAt = 0;
    const services: KeyServices = {
      checkRecipients: () => Promise.resolve({ account: 'ready' as const, recipients: [] }),
      encrypt: () => {
        signedAt = clock.now;
        return Promise.resolve({
          ok: true as const,
          statuses: [text],
          messageId: 'ab'.repeat(16),
          recipients: [{ acct: 'bob@b.test', actorUri: 'https://b.test/users/bob', fingerprint: 'bfp' }],
          sender: ALICE,
          createdAt: clock.now,
        });
      },
      // The recipient's decrypt returns the SIGNED time: the time of encryption.
      decrypt: () =>
        Promise.resolve({
          ok: true as const,
          plaintext: 'x',
          sender: ALICE,
          recipients: [],
          messageId: 'ab'.repeat(16),
          replyTo: null,
          createdAt: signedAt,
        }),
      senderTrust: (_a, s) =>
        Promise.resolve({ kind: 'verified' as const, acct: 'alice@a.test', fingerprint: s.fingerprint }),
      handlesOf: (_a, u) => Promise.resolve(u.map(() => 'alice@a.test')),
      sealLocal: (_a, d) => Promise.resolve(d),
      openLocal: (_a, d) => Promise.resolve(d),
      searchAccounts: () => Promise.resolve([]),
      contactList: () => Promise.resolve([]),
    };
    // alice's instance: down (the post times out) until the clock moves, then honest.
    let down = true;
    const posted: { id: string; status: string; at: number }[] = [];
    const answer = (s: NewStatus, id: string): StatusJson => ({
      id,
      visibility: 'direct',
      in_reply_to_id: s.inReplyToId,
      content: `<p>${s.status}</p>`,
      spoiler_text: '',
      mentions: [{ id: '5', acct: 'bob@b.test', url: null }],
      media_attachments: [],
      poll: null,
      account: { id: '1', acct: 'alice' },
    });
    const stored = new Map<string, NewStatus>();
    const statusApi = {
      post: (_o: string, _t: string, s: NewStatus): Promise<ApiResult<StatusJson>> => {
        if (down) return Promise.resolve({ ok: false, kind: 'network', message: 'timed out' });
        const id = String(100 + posted.length);
        posted.push({ id, status: s.status, at: clock.now });
        stored.set(id, s);
        return Promise.resolve({ ok: true, value: answer(s, id) });
      },
      get: (_o: string, _t: string, id: string) =>
        Promise.resolve({ ok: true as const, value: answer(stored.get(id) as NewStatus, id) }),
      source: (_o: string, _t: string, id: string) =>
        Promise.resolve({ ok: true as const, value: { text: stored.get(id)?.status ?? '', spoilerText: '' } }),
      delete: () => Promise.resolve(true),
      accountId: () =>
        Promise.resolve({ ok: true as const, value: { id: '5', acct: 'bob@b.test', uri: 'https://b.test/users/bob' } }),
    } as unknown as StatusApi;
    const account = { origin: 'https://a.test', accountId: '1' };
    const sender = new Reader({ services, area: memory(), now: () => Promise.resolve(clock.now) });
    const status: ComposeStatus = {
      account: 'ready',
      recipients: [
        { acct: 'bob@b.test', state: 'ready', trust: 'verified', wasVerified: false, warning: null, source: 'typed' },
      ],
      suggested: [],
      remaining: 100,
      parts: 1,
      empty: false,
    };
    let job: SendJob | null = null;
    const hooks = {
      status: () => Promise.resolve(status),
      keep: (j: SendJob | null) => {
        job = j;
        return Promise.resolve();
      },
      progress: (j: SendJob) => {
        job = j;
        return Promise.resolve();
      },
    };
    const deps = {
      services,
      reader: sender,
      statusApi,
      token: () => Promise.resolve('tok'),
      now: () => Promise.resolve(clock.now),
    };
    const draft = { account, self: 'alice@a.test', text: 'x', recipients: ['bob@b.test'], reply: null, maxChars: 500 };

    const first = await sendDraft(deps, { ...draft, job: null }, hooks);
    expect(first.sent).toBe(false);
    expect(job).not.toBeNull();
    // The user presses "Try again" two hours later (or the instance was down that long).
    clock.now += 7200;
    down = false;
    const second = await sendDraft(deps, { ...draft, job }, hooks);
    expect(second.sent).toBe(true);
    const p = posted[0];
    if (p === undefined) throw new Error('nothing posted');

    // bob reads it; every instance dates the status at its post time.
    const bob = new Reader({ services, area: memory(), now: () => Promise.resolve(clock.now) });
    const bobAccount = { origin: 'https://b.test', accountId: '5' };
    await bob.open(bobAccount, {
      statusId: p.id,
      text: p.status,
      author: { acct: 'alice@a.test', actorUri: null },
      mentions: ['bob'],
      serverTime: p.at,
      extras: { cw: false, media: false, card: false },
    });
    const v = await bob.view(bobAccount, p.id);
    expect(v.state).toBe('message');
    // Secure (no false alarms): a genuine, untampered message is not flagged.
    expect(v.flags.map((f) => f.kind)).not.toContain('time_gap');
  });

  it("F-posted-id: the user's instance answers a post with the id of alice's message already read: alice's record is not overwritten", async () => {
    const clock = { now: 1_800_000_000 };
    const ALICE = { actorUri: 'https://a.test/users/alice', fingerprint: 'afp' };
    const SELF = { actorUri: 'https://b.test/users/bob', fingerprint: 'bfp' };
    const CAROL = { actorUri: 'https://c.test/users/carol', fingerprint: 'cfp' };
    const services: KeyServices = {
      checkRecipients: () => Promise.resolve({ account: 'ready' as const, recipients: [] }),
      encrypt: () =>
        Promise.resolve({
          ok: true as const,
          statuses: [text2],
          messageId: 'ef'.repeat(16),
          recipients: [{ acct: 'carol@c.test', actorUri: CAROL.actorUri, fingerprint: 'cfp' }],
          sender: SELF,
          createdAt: clock.now,
        }),
      decrypt: () =>
        Promise.resolve({
          ok: true as const,
          plaintext: 'from alice',
          sender: ALICE,
          recipients: [SELF],
          messageId: 'ab'.repeat(16),
          replyTo: null,
          createdAt: clock.now,
        }),
      senderTrust: (_a, s) =>
        Promise.resolve({ kind: 'verified' as const, acct: 'alice@a.test', fingerprint: s.fingerprint }),
      handlesOf: (_a, u) =>
        Promise.resolve(
          u.map((x) => (x === ALICE.actorUri ? 'alice@a.test' : x === CAROL.actorUri ? 'carol@c.test' : 'bob@b.test')),
        ),
      sealLocal: (_a, d) => Promise.resolve(d),
      openLocal: (_a, d) => Promise.resolve(d),
      searchAccounts: () => Promise.resolve([]),
      contactList: () => Promise.resolve([]),
    };
    const area = memory();
    const account = { origin: 'https://b.test', accountId: '1' };
    // bob (the user) reads alice's message, status 42.
    const r1 = new Reader({ services, area, now: () => Promise.resolve(clock.now) });
    await r1.open(account, {
      statusId: '42',
      text,
      author: { acct: 'alice@a.test', actorUri: null },
      mentions: ['bob'],
      serverTime: clock.now,
      extras: { cw: false, media: false, card: false },
    });
    expect((await r1.view(account, '42')).state).toBe('message');

    // bob sends carol a message; his instance answers (post, read-back, /source) with id 42.
    const answer = (s: NewStatus): StatusJson => ({
      id: '42',
      visibility: 'direct',
      in_reply_to_id: s.inReplyToId,
      content: `<p>${s.status}</p>`,
      spoiler_text: '',
      mentions: [{ id: '7', acct: 'carol@c.test', url: null }],
      media_attachments: [],
      poll: null,
      account: { id: '1', acct: 'bob' },
    });
    let last: NewStatus | null = null;
    const statusApi = {
      post: (_o: string, _t: string, s: NewStatus) => {
        last = s;
        return Promise.resolve({ ok: true as const, value: answer(s) });
      },
      get: () => Promise.resolve({ ok: true as const, value: answer(last as unknown as NewStatus) }),
      source: () =>
        Promise.resolve({ ok: true as const, value: { text: (last as unknown as NewStatus).status, spoilerText: '' } }),
      delete: () => Promise.resolve(true),
      accountId: () =>
        Promise.resolve({ ok: true as const, value: { id: '7', acct: 'carol@c.test', uri: CAROL.actorUri } }),
    } as unknown as StatusApi;
    const status: ComposeStatus = {
      account: 'ready',
      recipients: [
        { acct: 'carol@c.test', state: 'ready', trust: 'verified', wasVerified: false, warning: null, source: 'typed' },
      ],
      suggested: [],
      remaining: 100,
      parts: 1,
      empty: false,
    };
    const hooks = {
      status: () => Promise.resolve(status),
      keep: () => Promise.resolve(),
      progress: () => Promise.resolve(),
    };
    const sent = await sendDraft(
      { services, reader: r1, statusApi, token: () => Promise.resolve('tok'), now: () => Promise.resolve(clock.now) },
      {
        account,
        self: 'bob@b.test',
        text: 'for carol only',
        recipients: ['carol@c.test'],
        reply: null,
        maxChars: 500,
        job: null,
      },
      hooks,
    );
    expect(sent.sent).toBe(true);

    // After a worker restart: alice's status 42 as bob sees it again, and what a reply to it would answer.
    const r2 = new Reader({ services, area, now: () => Promise.resolve(clock.now) });
    const replyBase = await r2.messageOf(account, '42');
    await r2.open(account, {
      statusId: '42',
      text,
      author: { acct: 'alice@a.test', actorUri: null },
      mentions: ['bob'],
      serverTime: clock.now,
      extras: { cw: false, media: false, card: false },
    });
    const v = await r2.view(account, '42');
    // Secure: alice's message keeps its record: a reply to it goes to alice, and it is not "replaced".
    expect.soft(replyBase !== null && replyBase !== 'locked' ? replyBase.sender.actorUri : null).toBe(ALICE.actorUri);
    expect.soft(v.flags.map((f) => f.kind)).not.toContain('replaced');
  });
});
