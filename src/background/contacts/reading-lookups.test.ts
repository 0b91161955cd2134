/**
 * What reading a message makes Hush look up and store, attacked by a malicious instance operator
 * (issue #21, claims 4 and 6). These are the reviewer's PoCs from the attack-server branch
 * (7d34c66 injected mention -> request to the sender's instance; 73b39b6 server-added mentions
 * pinned before anything verified; 3c9c46e stale/hiding home instance -> "has not set up Hush";
 * acbd0f8 fan-out to 60 server-chosen hosts). Each failed on main before the envelope-first
 * decrypt (services-impl.ts) and passes now. Real key runtime, discovery and decrypt; fake
 * instances (fake-world.ts).
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createChain,
  currentPrekey,
  encodeBundle,
  encryptMessage,
  generateIdentity,
  init,
  type Identity,
  type PrekeyChainState,
} from '../../protocol/index';
import { decrypt } from '../keys/services-impl';
import { makeHarness, type Harness } from '../keys/flow-harness';
import { activeAccount } from '../keys/flow-fixtures';
import type { AccountRecord } from '../storage/schema';
import { cachedCopy, fakeWorld, type FakeWorld } from './fake-world';
import { resolveContact } from './resolver';

beforeAll(init);

const HOME = 'https://home.test';
let world: FakeWorld;
let h: Harness;
let me: AccountRecord;
let myChain: PrekeyChainState;
let myIdentity: Identity;

beforeEach(async () => {
  world = fakeWorld();
  world.instance('home.test');
  h = makeHarness({ origin: HOME, accountId: '1' }, 'token-123456', { fetch: (u, i) => world.fetch(u, i) });
  await h.rt.init();
  myIdentity = generateIdentity(`${HOME}/users/alice`);
  myChain = createChain(h.clock.now);
  me = activeAccount({ origin: HOME, accountId: '1' }, 'alice@home.test', myIdentity, myChain, h.clock.now);
  await h.rt.store.putAccount(me);
});

/** `user`@`domain` with Hush set up: a fresh identity and prekey chain, its key served by its own instance. */
function hushUser(domain: string, user: string) {
  const uri = `https://${domain}/users/${user}`;
  const identity = generateIdentity(uri);
  const chain = createChain(h.clock.now);
  const pre = currentPrekey(chain);
  const account = {
    username: user,
    acct: user,
    uri,
    url: `https://${domain}/@${user}`,
    fields: [{ name: 'Hush', value: encodeBundle(identity, pre.epoch, pre.publicKey) }],
  };
  world.instance(domain).accounts.set(`${user}@${domain}`, account);
  return { identity, chain, account };
}

/** The statuses carrying `plaintext` from `sender` to the user alone. */
function toMe(sender: { identity: Identity; chain: PrekeyChainState }, plaintext: string) {
  const mine = currentPrekey(myChain);
  const r = encryptMessage({
    sender,
    recipients: [
      { actorUri: me.actorUri, identityPk: myIdentity.publicKey, prekeyPk: mine.publicKey, epoch: mine.epoch },
    ],
    plaintext,
    now: h.clock.now,
    statusBudget: { maxChars: 500, mentionText: '@alice@home.test ' },
  });
  if (!r.ok) throw new Error(r.reason);
  return r.value.statuses.map((text, i) => ({ statusId: String(i), text }));
}

/** mallory@evil.test, known to the home instance through federation. */
function malloryKnown(): void {
  const author = world.person('evil.test', 'mallory');
  world.instance('home.test').accounts.set('mallory@evil.test', cachedCopy(author.account, 'evil.test'));
}

/** The user reads mallory's status 9, which looks like Hush but verifies as nothing, mentioning the user and `others`. */
async function readFromMallory(others: string[]): Promise<void> {
  const chunks = [
    {
      statusId: '9',
      text: '@alice [Hush encrypted message] 一丁丂七丄丅丆万丈三上下丌不与丏丐丑丒专且丕世丗丘丙业丛东丝丞丟',
    },
  ];
  await decrypt(h.rt, h.ref, {
    author: { acct: 'mallory@evil.test', actorUri: null },
    mentions: ['alice', ...others],
    chunks,
  });
}

describe("review (server): claim 6, no request to the sender's instance when reading a pinned contact", () => {
  it("F-probe: a mention the sender's instance adds to a pinned contact's status makes the reader contact that instance", async () => {
    // carol@a.test is pinned. a.test (A1, carol's instance) creates an account probe@a.test and adds
    // "@probe@a.test" to the mention list of carol's genuine status. The user's home instance
    // (honest) knows probe through federation.
    const carol = hushUser('a.test', 'carol');
    world.instance('home.test').accounts.set('carol@a.test', cachedCopy(carol.account, 'a.test'));
    expect((await resolveContact(h.rt, me, 'carol@a.test')).ok).toBe(true);
    const probe = world.person('a.test', 'probe');
    world.instance('home.test').accounts.set('probe@a.test', cachedCopy(probe.account, 'a.test'));

    const chunks = toMe(carol, 'meet at 6');

    // Baseline: as delivered, the pinned contact's message reads with no request at all.
    world.requests.length = 0;
    expect(
      await decrypt(h.rt, h.ref, { author: { acct: 'carol@a.test', actorUri: null }, mentions: ['alice'], chunks }),
    ).toMatchObject({ ok: true, plaintext: 'meet at 6' });
    expect(world.requests).toEqual([]);

    // The attack: one extra mention. (The message then fails its context check, but only AFTER the lookups.)
    world.requests.length = 0;
    await decrypt(h.rt, h.ref, {
      author: { acct: 'carol@a.test', actorUri: null },
      mentions: ['alice', 'probe@a.test'],
      chunks,
    });
    const toSenders = world.requests.filter((u) => new URL(u).host === 'a.test');
    // Secure: nothing reaches carol's instance (it would learn the reader's IP address and when she reads).
    expect(toSenders).toEqual([]);
  });
});

describe('review (server): what a mention list can make Hush store', () => {
  it('F-pin-by-mention: a status that fails verification pins none of the accounts the server added to its mentions', async () => {
    // Any Hush-looking status on screen is enough: the server lists planted accounts (with Hush keys)
    // among its mentions; each is discovered and PINNED (TOFU) before the context check fails.
    const planted = ['bob@evil.test', 'b0b@evil.test', 'bob_@evil.test'];
    for (const acct of planted) {
      const [user] = acct.split('@') as [string];
      const p = world.person('evil.test', user);
      world.instance('home.test').accounts.set(acct, cachedCopy(p.account, 'evil.test'));
    }
    malloryKnown();
    await readFromMallory(planted);
    const pinned = (await h.rt.store.contacts()).map((c) => c.acct);
    // Secure: nothing verified, nothing pinned.
    expect(pinned.filter((a) => planted.includes(a))).toEqual([]);
  });
});

describe('review (server): claim 4, a lookup the home instance cannot answer is no verdict', () => {
  function freshSender(): {
    chunks: { statusId: string; text: string }[];
    account: ReturnType<FakeWorld['person']>['account'];
  } {
    // dave@d.test has just enabled Hush: his own instance serves his key; he sends the user a message.
    const dave = hushUser('d.test', 'dave');
    return { chunks: toMe(dave, 'hello'), account: dave.account };
  }

  /** The user reads dave's `chunks`: not shown as a message, and not refused as from a sender without Hush. */
  async function expectNoVerdictOnDave(chunks: { statusId: string; text: string }[]): Promise<void> {
    const out = await decrypt(h.rt, h.ref, {
      author: { acct: 'dave@d.test', actorUri: null },
      mentions: ['alice'],
      chunks,
    });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.reason).not.toBe('unknown_sender');
  }

  it('F-stale-home: the home instance\'s copy of a new sender predates his key (Mastodon refetches remote profiles about daily): no "has not set up Hush" verdict', async () => {
    const { chunks, account } = freshSender();
    // The home instance cached dave's profile before he enabled Hush; resolve does not refresh it yet.
    world.instance('home.test').accounts.set('dave@d.test', { ...cachedCopy(account, 'd.test'), fields: [] });
    // Secure: neutral ("can't check the sender right now"), never "the author has not set up Hush,
    // so this cannot be a Hush message from them" (viewReason_unknown_sender) about a genuine message.
    await expectNoVerdictOnDave(chunks);
  });

  it('F-home-404: the home instance answers 404 for a sender who just posted to the user: no "has not set up Hush" verdict', async () => {
    const { chunks } = freshSender();
    // A2 (the user's own instance) hides the account from lookup and search.
    await expectNoVerdictOnDave(chunks);
  });
});

describe('review (server): claim 6, bounded network use', () => {
  it("F-fanout: one status whose mention list names 60 handles on 60 domains (more than the protocol's 50 recipients) makes no request beyond a small bound", async () => {
    const mentions: string[] = [];
    for (let i = 0; i < 60; i++) {
      const domain = `h${i}.test`;
      const p = world.person(domain, 'u');
      world.instance('home.test').accounts.set(`u@${domain}`, cachedCopy(p.account, domain));
      mentions.push(`u@${domain}`);
    }
    malloryKnown();
    world.requests.length = 0;
    await readFromMallory(mentions);
    const hosts = new Set(world.requests.map((u) => new URL(u).host));
    // Secure: a status no genuine sender can produce (over 50 recipients; here not even a valid
    // envelope) does not make the browser contact dozens of hosts the server picked.
    expect(hosts.size).toBeLessThanOrEqual(3);
  });
});

describe('discover, verify, then pin: unknown parties of a message', () => {
  /** dave@d.test (unknown) writes to the user and to `n` co-recipients the user has never met, each on its own domain. */
  function group(n: number): { chunks: { statusId: string; text: string }[]; mentions: string[] } {
    const dave = world.person('d.test', 'dave');
    world.instance('home.test').accounts.set('dave@d.test', cachedCopy(dave.account, 'd.test'));
    const mine = currentPrekey(myChain);
    const recipients = [
      { actorUri: me.actorUri, identityPk: myIdentity.publicKey, prekeyPk: mine.publicKey, epoch: mine.epoch },
    ];
    const mentions = ['alice'];
    for (let i = 0; i < n; i++) {
      const p = world.person(`g${i}.test`, 'u');
      world.instance('home.test').accounts.set(`u@g${i}.test`, cachedCopy(p.account, `g${i}.test`));
      const pre = currentPrekey(createChain(1_800_000_000));
      recipients.push({ actorUri: p.uri, identityPk: p.identity.publicKey, prekeyPk: pre.publicKey, epoch: pre.epoch });
      mentions.push(`u@g${i}.test`);
    }
    const chain = createChain(h.clock.now);
    const r = encryptMessage({
      sender: { identity: dave.identity, chain },
      recipients,
      plaintext: 'to the group',
      now: h.clock.now,
      statusBudget: { maxChars: 5000, mentionText: `${mentions.map((m) => `@${m}`).join(' ')} ` },
    });
    if (!r.ok) throw new Error(r.reason);
    return { chunks: r.value.statuses.map((text, i) => ({ statusId: String(i), text })), mentions };
  }

  it('a genuine message pins its unknown sender and co-recipients only after it verifies, with at most 4 lookups in flight', async () => {
    const { chunks, mentions } = group(10);
    let inFlight = 0;
    let most = 0;
    const plain = world.fetch.bind(world);
    world.fetch = async (u, i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      try {
        return await plain(u, i);
      } finally {
        inFlight--;
      }
    };
    const out = await decrypt(h.rt, h.ref, { author: { acct: 'dave@d.test', actorUri: null }, mentions, chunks });
    expect(out).toMatchObject({ ok: true, plaintext: 'to the group' });
    const pinned = (await h.rt.store.contacts()).map((c) => c.acct).sort();
    expect(pinned).toEqual(['dave@d.test', ...mentions.slice(1)].sort());
    // The author is looked up first, then co-recipients a few at a time (RESOLVE_CONCURRENCY).
    expect(most).toBeLessThanOrEqual(4);
  });

  it('a server that swaps one co-recipient mention for an account of its own gets nobody pinned', async () => {
    const { chunks, mentions } = group(2);
    const planted = world.person('evil.test', 'u');
    world.instance('home.test').accounts.set('u@evil.test', cachedCopy(planted.account, 'evil.test'));
    const out = await decrypt(h.rt, h.ref, {
      author: { acct: 'dave@d.test', actorUri: null },
      mentions: [...mentions.slice(0, 2), 'u@evil.test'],
      chunks,
    });
    expect(out).toMatchObject({ ok: false, reason: 'recipients_mismatch' });
    expect(await h.rt.store.contacts()).toEqual([]);
  });

  it('more mentions than the envelope has recipients: refused before any lookup', async () => {
    const { chunks, mentions } = group(1);
    world.requests.length = 0;
    const out = await decrypt(h.rt, h.ref, {
      author: { acct: 'dave@d.test', actorUri: null },
      mentions: [...mentions, 'x@x.test'],
      chunks,
    });
    expect(out).toMatchObject({ ok: false, reason: 'recipients_mismatch' });
    expect(world.requests).toEqual([]);
  });
});
