/**
 * Publishing from the background (issue #15, invariant 2): what the server says it stored is
 * checked against what was sent; a lying or failing server never makes a failure look like success.
 */
import { describe, expect, it } from 'vitest';
import { STATUS_PREFIX } from '../../protocol/index';
import { publish, type PublishJob } from './publisher';
import type { ApiResult, NewStatus, StatusApi, StatusJson } from './status-api';

const CIPHER = `${STATUS_PREFIX} 一丁七万丈三上下`;
const job = (over: Partial<PublishJob> = {}): PublishJob => ({
  origin: 'https://b.test',
  accountId: '1',
  home: 'b.test',
  messageId: 'ab'.repeat(16),
  statuses: [`@alice@a.test ${CIPHER}`],
  recipients: [{ acct: 'alice@a.test', actorUri: 'https://a.test/users/alice' }],
  inReplyToId: null,
  postedIds: [],
  ...over,
});

interface Server {
  posts: NewStatus[];
  deleted: string[];
  /** What the server answers for a post (default: exactly what was asked). */
  answer?: (s: NewStatus, id: string) => Partial<StatusJson>;
  /** What a later read of the status says (default: the answer): a server answering what was asked, storing something else. */
  stored?: (s: NewStatus, id: string) => Partial<StatusJson>;
  source?: (s: NewStatus) => string;
  lookupUri?: string;
  fail?: 'network' | 422;
}

/** The status the fake server returns for a stored post: a DM mentioning the handles its text names, then `extra`. */
function statusJson(s: NewStatus, id: string, extra: Partial<StatusJson> | undefined): StatusJson {
  const mentions = [...s.status.matchAll(/@([\w.]+@[\w.]+)/g)].map((m, i) => ({
    id: String(i),
    acct: m[1] ?? '',
    url: null,
  }));
  return {
    id,
    visibility: 'direct',
    in_reply_to_id: s.inReplyToId,
    content: `<p>${s.status}</p>`,
    spoiler_text: '',
    mentions,
    media_attachments: [],
    poll: null,
    account: { id: '1', acct: 'bob' },
    ...(extra ?? {}),
  };
}

function fakeApi(server: Server): StatusApi {
  let n = 0;
  const stored = new Map<string, NewStatus>();
  const api = {
    post: (_o: string, _t: string, s: NewStatus): Promise<ApiResult<StatusJson>> => {
      if (server.fail === 'network') return Promise.resolve({ ok: false, kind: 'network', message: 'timed out' });
      if (server.fail === 422) return Promise.resolve({ ok: false, kind: 'status', status: 422, message: 'HTTP 422' });
      server.posts.push(s);
      const id = String(100 + n++);
      stored.set(id, s);
      return Promise.resolve({ ok: true, value: statusJson(s, id, server.answer?.(s, id)) });
    },
    get: (_o: string, _t: string, id: string): Promise<ApiResult<StatusJson>> => {
      const s = stored.get(id);
      if (s === undefined) return Promise.resolve({ ok: false, kind: 'status', status: 404, message: 'HTTP 404' });
      return Promise.resolve({ ok: true, value: statusJson(s, id, server.stored?.(s, id) ?? server.answer?.(s, id)) });
    },
    source: (_o: string, _t: string, id: string) => {
      const s = stored.get(id);
      return Promise.resolve(
        s === undefined
          ? { ok: false as const, kind: 'status' as const, status: 404, message: 'HTTP 404' }
          : { ok: true as const, value: { text: server.source?.(s) ?? s.status, spoilerText: '' } },
      );
    },
    delete: (_o: string, _t: string, id: string) => {
      server.deleted.push(id);
      return Promise.resolve(true);
    },
    accountId: (_o: string, _t: string, acct: string) =>
      Promise.resolve({
        ok: true as const,
        value: { id: `id-${acct}`, acct, uri: server.lookupUri ?? 'https://a.test/users/alice' },
      }),
  };
  return api as unknown as StatusApi;
}

const save = () => Promise.resolve();

describe('publish', () => {
  it('posts direct, with the recipients as allowed_mentions and an idempotency key per part, and confirms', async () => {
    const server: Server = { posts: [], deleted: [] };
    const out = await publish(fakeApi(server), 't', job({ inReplyToId: '55' }), save);
    expect(out).toEqual({ ok: true, ids: ['100'] });
    expect(server.posts[0]).toMatchObject({
      inReplyToId: '55',
      allowedMentions: ['id-alice@a.test'],
      idempotencyKey: `hush-${'ab'.repeat(16)}-0`,
    });
  });

  it('a long message is a thread: each part answers the previous one, resuming after the parts already posted', async () => {
    const server: Server = { posts: [], deleted: [] };
    const three = job({ statuses: [1, 2, 3].map((i) => `@alice@a.test ${CIPHER}${'丁'.repeat(i)}`), postedIds: ['7'] });
    const progress: string[][] = [];
    const out = await publish(fakeApi(server), 't', three, (j) => {
      progress.push([...j.postedIds]);
      return Promise.resolve();
    });
    expect(out).toEqual({ ok: true, ids: ['7', '100', '101'] });
    expect(server.posts.map((p) => p.inReplyToId)).toEqual(['7', '100']);
    expect(server.posts.map((p) => p.idempotencyKey)).toEqual([
      `hush-${'ab'.repeat(16)}-1`,
      `hush-${'ab'.repeat(16)}-2`,
    ]);
    expect(progress).toEqual([
      ['7', '100'],
      ['7', '100', '101'],
    ]);
  });

  it.each([
    ['made public', { visibility: 'public' }, 'visibility public'],
    ['re-addressed to another account', { mentions: [{ id: '9', acct: 'dave@b.test', url: null }] }, 'mentions'],
    [
      'with an extra mention',
      {
        mentions: [
          { id: '0', acct: 'alice@a.test', url: null },
          { id: '9', acct: 'dave', url: null },
        ],
      },
      'mentions',
    ],
    ['re-parented', { in_reply_to_id: '999' }, 'reply target'],
    ['with a content warning', { spoiler_text: 'look' }, 'content warning'],
    ['with media', { media_attachments: [{}] }, 'media'],
  ] as const)(
    'a post the server stored %s is deleted and reported "altered"; nothing more is posted',
    async (_n, answer, what) => {
      const server: Server = { posts: [], deleted: [], answer: () => answer as Partial<StatusJson> };
      const out = await publish(
        fakeApi(server),
        't',
        job({ statuses: [`@alice@a.test ${CIPHER}`, `@alice@a.test ${CIPHER}丁`] }),
        save,
      );
      expect(out).toMatchObject({ ok: false, problem: { kind: 'altered', what, deleted: true } });
      expect(server.posts).toHaveLength(1);
      expect(server.deleted).toEqual(['100']);
    },
  );

  it('a server that answers with what was asked but stored the post re-addressed is caught on reading it back', async () => {
    const server: Server = {
      posts: [],
      deleted: [],
      stored: () => ({
        mentions: [
          { id: '0', acct: 'alice@a.test', url: null },
          { id: '9', acct: 'dave', url: null },
        ],
      }),
    };
    expect(await publish(fakeApi(server), 't', job(), save)).toMatchObject({
      ok: false,
      problem: { kind: 'altered', what: 'mentions', deleted: true },
    });
  });

  it('a stored source addressed to someone else is caught even when every answer looks right', async () => {
    const server: Server = { posts: [], deleted: [], source: (s) => `@dave@b.test ${s.status}` };
    expect(await publish(fakeApi(server), 't', job(), save)).toMatchObject({
      ok: false,
      problem: { kind: 'altered', what: 'mentions' },
    });
  });

  it('a stored text other than the ciphertext sent (swapped by the server) is altered', async () => {
    const server: Server = { posts: [], deleted: [], source: () => `@alice@a.test ${STATUS_PREFIX} 下下下` };
    expect(await publish(fakeApi(server), 't', job(), save)).toMatchObject({
      ok: false,
      problem: { kind: 'altered', what: 'text' },
    });
  });

  it('a success the server answered without storing anything (fake success) is not taken for a post', async () => {
    const server: Server = { posts: [], deleted: [] };
    const api = fakeApi(server);
    (api as unknown as { get: () => Promise<unknown> }).get = () =>
      Promise.resolve({ ok: false, kind: 'status', status: 404, message: 'HTTP 404' });
    expect(await publish(api, 't', job(), save)).toMatchObject({
      ok: false,
      problem: { kind: 'altered', what: 'not stored' },
    });
  });

  it('the home instance naming another actor for a recipient stops before anything is posted', async () => {
    const server: Server = { posts: [], deleted: [], lookupUri: 'https://evil.test/users/alice' };
    expect(await publish(fakeApi(server), 't', job(), save)).toMatchObject({ ok: false, problem: { kind: 'altered' } });
    expect(server.posts).toEqual([]);
  });

  it('a refusal or a lost answer is reported as such, with the progress kept for a retry', async () => {
    for (const fail of ['network', 422] as const) {
      const server: Server = { posts: [], deleted: [], fail };
      const out = await publish(fakeApi(server), 't', job(), save);
      expect(out).toMatchObject({
        ok: false,
        problem: { kind: fail === 422 ? 'refused' : 'network' },
        job: { postedIds: [] },
      });
    }
  });
});
