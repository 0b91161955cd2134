import { beforeAll, describe, expect, it } from 'vitest';
import {
  createChain,
  currentPrekey,
  encodeBundle,
  encodeRevocation,
  generateIdentity,
  init,
  parseBundle,
} from '../../protocol/index';
import { compareMaterial, discover, materialOf, type KeyMaterial } from './discovery';
import { MastodonApi } from './mastodon';

const URI = 'https://b.test/users/bob';
beforeAll(init);

const account = (uri: string, fields: { name: string; value: string }[], url = 'https://b.test/@bob') => ({
  id: '7',
  username: 'bob',
  acct: 'bob@b.test',
  url,
  uri,
  fields,
});
/** WebFinger as b.test answers it for bob (his actor URI), for fakes that route by host. */
const webfinger = (url: string): Response | null =>
  new URL(url).pathname === '/.well-known/webfinger'
    ? new Response(
        JSON.stringify({
          subject: 'acct:bob@b.test',
          links: [{ rel: 'self', type: 'application/activity+json', href: URI }],
        }),
      )
    : null;
const material = (text: string): KeyMaterial => {
  const b = parseBundle(text);
  if (!b.ok) throw new Error('bundle');
  return { kind: 'bundle', bundle: b.value };
};

describe('discovery: field extraction and comparison', () => {
  it('finds and verifies the bundle in the HTML field value, bound to the actor URI', () => {
    const id = generateIdentity(URI);
    const text = encodeBundle(id, 3, currentPrekey(createChain(1_800_000_000)).publicKey);
    const html = `<span>${text.replace(' ', '&#32;')}</span>`;
    expect(
      materialOf(
        account(URI, [
          { name: 'Web', value: 'x' },
          { name: 'Hush', value: html },
        ]),
      ),
    ).toMatchObject({ kind: 'bundle', bundle: { epoch: 3 } });
    // Same field under another actor URI: the signature does not verify.
    expect(materialOf(account('https://evil.test/users/bob', [{ name: 'Hush', value: text }]))).toEqual({
      kind: 'invalid',
      reason: 'bad_signature',
    });
    expect(materialOf(account(URI, [{ name: 'Web', value: 'x' }]))).toEqual({ kind: 'none' });
  });

  it('compares: same key agrees, different key or prekey disagrees, newer epoch of the same key wins', () => {
    const id = generateIdentity(URI);
    const pre = (s: number) => currentPrekey(createChain(1_800_000_000 + s)).publicKey;
    const e3 = material(encodeBundle(id, 3, pre(1)));
    const e4 = material(encodeBundle(id, 4, pre(2)));
    const other = material(encodeBundle(generateIdentity(URI), 3, pre(1)));
    expect(compareMaterial(e3, e3)).toMatchObject({ agree: true, from: 'both' });
    expect(compareMaterial(e3, other)).toEqual({ agree: false });
    expect(compareMaterial(e3, material(encodeBundle(id, 3, pre(5))))).toEqual({ agree: false });
    expect(compareMaterial(e3, e4)).toMatchObject({ agree: true, from: 'origin', material: e4 });
    expect(compareMaterial(e4, e3)).toMatchObject({ agree: true, from: 'home', material: e4 });
    expect(compareMaterial({ kind: 'none' }, e3)).toEqual({ agree: false });
  });

  it('a revocation from either path wins: it is signed by the key itself', () => {
    const id = generateIdentity(URI);
    const rev = materialOf(account(URI, [{ name: 'Hush', value: encodeRevocation(id, 9, 'superseded') }]));
    expect(rev.kind).toBe('revocation');
    const b = material(encodeBundle(id, 3, currentPrekey(createChain(1_800_000_000)).publicKey));
    expect(compareMaterial(b, rev)).toMatchObject({ agree: true, material: rev });
    expect(compareMaterial(rev, b)).toMatchObject({ agree: true, material: rev, from: 'home' });
  });

  it('a revocation of an older key at home does not hide the successor the origin serves; a home bundle never beats a revocation', () => {
    const oldId = generateIdentity(URI);
    const newId = generateIdentity(URI);
    const rev = materialOf(account(URI, [{ name: 'Hush', value: encodeRevocation(oldId, 9, 'superseded') }]));
    const successor = material(encodeBundle(newId, 1, currentPrekey(createChain(1_800_000_000)).publicKey));
    expect(compareMaterial(rev, successor)).toMatchObject({ agree: true, material: successor, from: 'origin' });
    expect(compareMaterial(successor, rev)).toMatchObject({ agree: true, material: rev, from: 'origin' });
  });

  it('a stale home copy of the PINNED key beside a new key at the origin is a key change served by the origin, not a disagreement', async () => {
    const pinned = generateIdentity(URI);
    const next = generateIdentity(URI);
    const attacker = generateIdentity(URI);
    const pre = currentPrekey(createChain(1_800_000_000)).publicKey;
    const old = account(URI, [{ name: 'Hush', value: encodeBundle(pinned, 1, pre) }]);
    const fresh = account(URI, [{ name: 'Hush', value: encodeBundle(next, 1, pre) }]);
    const forged = account(URI, [{ name: 'Hush', value: encodeBundle(attacker, 1, pre) }]);
    const homeCalls: string[] = [];
    const run = (home: unknown, origin: unknown, pin: Uint8Array | null) =>
      discover({
        api: new MastodonApi((url) => {
          const u = new URL(url);
          const wf = webfinger(url);
          if (wf !== null) return Promise.resolve(wf);
          if (u.host === 'a.test') homeCalls.push(u.pathname);
          return Promise.resolve(new Response(JSON.stringify(u.host === 'a.test' ? home : origin), { status: 200 }));
        }),
        homeOrigin: 'https://a.test',
        homeDomain: 'a.test',
        acct: 'bob@b.test',
        token: () => Promise.resolve('token-123456'),
        pinnedIdentityPk: pin,
      });
    const r = await run(old, fresh, pinned.publicKey);
    expect(r).toMatchObject({ ok: true, servedBy: ['https://b.test'], material: { kind: 'bundle' } });
    if (r.ok && r.material.kind === 'bundle') expect([...r.material.bundle.identityPk]).toEqual([...next.publicKey]);
    // The home instance was asked to re-resolve first (it may have caught up).
    expect(homeCalls.some((p) => p.includes('search'))).toBe(true);
    // Without a pin (first contact) it stays a disagreement: nothing to tell staleness from substitution.
    expect(await run(old, fresh, null)).toMatchObject({ ok: false, kind: 'disagreement' });
    // A home instance serving a key we never pinned is still caught.
    expect(await run(forged, fresh, pinned.publicKey)).toMatchObject({ ok: false, kind: 'disagreement' });
  });

  it('end to end over fake instances: disagreement names both instances; an actor URI mismatch is a disagreement too', async () => {
    const real = generateIdentity(URI);
    const fake = generateIdentity(URI);
    const pre = currentPrekey(createChain(1_800_000_000)).publicKey;
    const serve = (home: unknown, origin: unknown) => (url: string) => {
      const u = new URL(url);
      const wf = webfinger(url);
      if (wf !== null) return Promise.resolve(wf);
      const body = u.host === 'a.test' ? home : origin;
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
    };
    const run = (home: unknown, origin: unknown) =>
      discover({
        api: new MastodonApi(serve(home, origin)),
        homeOrigin: 'https://a.test',
        homeDomain: 'a.test',
        acct: 'bob@b.test',
        token: () => Promise.resolve('token-123456'),
      });
    const good = account(URI, [{ name: 'Hush', value: encodeBundle(real, 1, pre) }]);
    const swapped = account(URI, [{ name: 'Hush', value: encodeBundle(fake, 1, pre) }]);
    expect(await run(good, good)).toMatchObject({
      ok: true,
      actorUri: URI,
      servedBy: ['https://a.test', 'https://b.test'],
    });
    expect(await run(swapped, good)).toEqual({
      ok: false,
      kind: 'disagreement',
      message: expect.any(String),
      homeInstance: 'https://a.test',
      originInstance: 'https://b.test',
    });
    const otherUri = { ...good, uri: 'https://b.test/users/someone-else' };
    expect(await run(good, otherUri)).toMatchObject({ ok: false, kind: 'disagreement' });
    // The home instance pretends bob lives on it through the display url: the origin comes from the
    // actor URI, so b.test is still asked and the swapped key is still caught.
    expect(await run({ ...swapped, url: 'https://a.test/@bob' }, good)).toMatchObject({
      ok: false,
      kind: 'disagreement',
    });
    const down = discover({
      api: new MastodonApi((url) =>
        new URL(url).host === 'a.test'
          ? Promise.resolve(new Response(JSON.stringify(good)))
          : Promise.reject(new Error('offline')),
      ),
      homeOrigin: 'https://a.test',
      homeDomain: 'a.test',
      acct: 'bob@b.test',
      token: () => Promise.resolve(null),
    });
    expect(await down).toMatchObject({ ok: false, kind: 'network' });
    // The origin answering for the handle with another account (a remote copy, another user) disagrees.
    expect(await run(good, { ...good, acct: 'bob@c.test' })).toMatchObject({ ok: false, kind: 'disagreement' });
    expect(await run(good, { ...good, acct: 'robert' })).toMatchObject({ ok: false, kind: 'disagreement' });
    // The home instance answering another handle is refused before anything else is asked.
    expect(await run({ ...good, acct: 'mallory@b.test' }, good)).toMatchObject({ ok: false });
  });

  it("WebFinger at the handle's domain must name the actor the home instance gave (issue #21); the display url is never the origin", async () => {
    const real = generateIdentity(URI);
    const pre = currentPrekey(createChain(1_800_000_000)).publicKey;
    const good = account(URI, [{ name: 'Hush', value: encodeBundle(real, 1, pre) }]);
    const evilUri = 'https://evil.test/users/bob';
    const evil = generateIdentity(evilUri);
    const forged = {
      ...account(evilUri, [{ name: 'Hush', value: encodeBundle(evil, 1, pre) }], 'https://b.test/@bob'),
    };
    const asked: string[] = [];
    const jrd = (href: string, subject = 'acct:bob@b.test') =>
      new Response(JSON.stringify({ subject, links: [{ rel: 'self', type: 'application/activity+json', href }] }));
    const run = (home: unknown, wf: () => Response, pinnedActorUri: string | null = null) =>
      discover({
        api: new MastodonApi((url) => {
          const u = new URL(url);
          asked.push(`${u.host}${u.pathname}`);
          if (u.pathname === '/.well-known/webfinger')
            return Promise.resolve(u.host === 'b.test' ? wf() : new Response('', { status: 404 }));
          // evil.test vouches for whatever it is asked.
          return Promise.resolve(
            new Response(
              JSON.stringify(u.host === 'a.test' ? home : u.host === 'evil.test' ? { ...forged, acct: 'bob' } : good),
            ),
          );
        }),
        homeOrigin: 'https://a.test',
        homeDomain: 'a.test',
        acct: 'bob@b.test',
        token: () => Promise.resolve(null),
        pinnedActorUri,
      });
    expect(await run(forged, () => jrd(URI))).toEqual({
      ok: false,
      kind: 'disagreement',
      message: expect.any(String),
      homeInstance: 'https://a.test',
      originInstance: 'https://b.test',
    });
    expect(asked.some((p) => p.startsWith('evil.test'))).toBe(false);
    expect(await run(good, () => jrd(URI))).toMatchObject({ ok: true, actorUri: URI });
    // WebFinger about another subject, naming no actor, or unreachable: not confirmed.
    expect(await run(good, () => jrd(URI, 'acct:mallory@b.test'))).toMatchObject({ ok: false, kind: 'network' });
    expect(
      await run(good, () => new Response(JSON.stringify({ subject: 'acct:bob@b.test', links: [] }))),
    ).toMatchObject({ ok: false, kind: 'network' });
    expect(await run(good, () => new Response('', { status: 404 }))).toMatchObject({ ok: false, kind: 'not_found' });
    // The actor URI already pinned for this handle is not asked again (no request to b.test's WebFinger).
    asked.length = 0;
    expect(await run(good, () => jrd('https://elsewhere.test/users/x'), URI)).toMatchObject({
      ok: true,
      actorUri: URI,
    });
    expect(asked.some((p) => p.endsWith('/.well-known/webfinger'))).toBe(false);
  });

  it('WebFinger is asked at https://<domain> unless a test build maps the domain', async () => {
    const asked: string[] = [];
    const f = (url: string) => {
      asked.push(url);
      return Promise.resolve(
        new Response(JSON.stringify({ subject: 'acct:bob@b.test', links: [{ rel: 'self', href: URI }] })),
      );
    };
    expect(await new MastodonApi(f).webfinger('bob@b.test')).toEqual({ ok: true, value: URI });
    expect(
      await new MastodonApi(f, {
        webfingerOrigin: (d) => Promise.resolve(d === 'b.test' ? 'http://127.0.0.1:9' : `https://${d}`),
      }).webfinger('bob@B.test'),
    ).toEqual({ ok: true, value: URI });
    expect(asked).toEqual([
      'https://b.test/.well-known/webfinger?resource=acct%3Abob%40b.test',
      'http://127.0.0.1:9/.well-known/webfinger?resource=acct%3Abob%40B.test',
    ]);
  });

  it('hostile responses are typed failures, never exceptions', async () => {
    for (const body of [
      'not json',
      JSON.stringify({ id: 5 }),
      JSON.stringify([1, 2]),
      JSON.stringify({ ...account(URI, []), fields: 'x' }),
    ]) {
      const api = new MastodonApi(() => Promise.resolve(new Response(body, { status: 200 })));
      const r = await discover({
        api,
        homeOrigin: 'https://a.test',
        homeDomain: 'a.test',
        acct: 'bob@b.test',
        token: () => Promise.resolve(null),
      });
      expect(r.ok).toBe(false);
    }
  });
});
