/**
 * A Hush party driven from Node over the test instance's REST API: it publishes its own key
 * bundle, encrypts with the protocol library and posts the statuses as Mastodon would. The
 * adversarial browser tests use it as the other side of a conversation (and as the attacker's
 * key material), so they need neither the overlay's posting path nor a second browser.
 */
import {
  createChain,
  currentPrekey,
  encodeBundle,
  encryptMessage,
  generateIdentity,
  init,
  parseAndVerifyBundle,
  PROFILE_FIELD_NAME,
  type Identity,
  type PrekeyChainState,
  type RecipientKey,
} from '../../src/protocol/index';
import { htmlToText } from '../../src/background/network/html-text';
import type { Instance } from '../instance/server/federation';

export interface NodeParty {
  readonly inst: Instance;
  readonly username: string;
  readonly acct: string;
  readonly actorUri: string;
  readonly identity: Identity;
  readonly chain: PrekeyChainState;
  /** The bundle text this party publishes (or could publish). */
  readonly bundle: string;
  readonly key: RecipientKey;
}

interface AccountJson {
  id: string;
  acct: string;
  uri: string;
  fields: { name: string; value: string }[];
  source?: { fields: { name: string; value: string }[] };
}
interface StatusJson {
  id: string;
  content: string;
}

export async function api<T>(
  inst: Instance,
  username: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${inst.origin}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${inst.users[username]?.token ?? ''}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Makes keys for `username` on `inst`, bound to its actor URI; `publish` writes the bundle to its
 * profile. `identityOf`: keep this identity key (a fresh prekey chain only).
 */
export async function nodeParty(
  inst: Instance,
  username: string,
  publish = true,
  nowSec = Math.floor(Date.now() / 1000),
  identityOf?: Identity,
): Promise<NodeParty> {
  await init();
  const me = await api<AccountJson>(inst, username, 'GET', '/api/v1/accounts/verify_credentials');
  const identity = identityOf ?? generateIdentity(me.uri);
  const chain = createChain(nowSec);
  const pre = currentPrekey(chain);
  const bundle = encodeBundle(identity, pre.epoch, pre.publicKey);
  if (publish) {
    const others = (me.source?.fields ?? []).filter((f) => f.name !== PROFILE_FIELD_NAME);
    await api(inst, username, 'PATCH', '/api/v1/accounts/update_credentials', {
      fields_attributes: [...others, { name: PROFILE_FIELD_NAME, value: bundle }],
    });
  }
  return {
    inst,
    username,
    acct: `${username}@${inst.domain}`,
    actorUri: me.uri,
    identity,
    chain,
    bundle,
    key: { actorUri: me.uri, identityPk: identity.publicKey, prekeyPk: pre.publicKey, epoch: pre.epoch },
  };
}

/** The verified key `acct` publishes, read from its own instance's public API. */
export async function publishedKey(inst: Instance, acct: string): Promise<RecipientKey> {
  const res = await fetch(`${inst.origin}/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`);
  const a = (await res.json()) as AccountJson;
  for (const f of a.fields) {
    const b = parseAndVerifyBundle(htmlToText(f.value) ?? '', a.uri);
    if (b.ok)
      return { actorUri: a.uri, identityPk: b.value.identityPk, prekeyPk: b.value.prekeyPk, epoch: b.value.epoch };
  }
  throw new Error(`${acct} publishes no valid Hush key`);
}

export interface EncryptOptions {
  /** Signs with this identity instead of the party's own (a forgery). */
  readonly signer?: { identity: Identity; chain: PrekeyChainState };
  readonly maxChars?: number;
  readonly nowSec?: number;
  /** The message id (16 bytes) of the message this one answers, signed as its reply_to. */
  readonly replyTo?: Uint8Array;
}

/** Encrypts `plaintext` to `to` (handles and keys) and returns the status texts, not posted. */
export function encryptTo(
  from: NodeParty,
  to: readonly { acct: string; key: RecipientKey }[],
  plaintext: string,
  o: EncryptOptions = {},
): string[] {
  const mentionText = to.map((t) => `@${t.acct} `).join('');
  const sender = o.signer ?? { identity: from.identity, chain: from.chain };
  const r = encryptMessage({
    sender,
    recipients: to.map((t) => t.key),
    plaintext,
    now: o.nowSec ?? Math.floor(Date.now() / 1000),
    replyTo: o.replyTo ?? null,
    statusBudget: { maxChars: o.maxChars ?? 500, mentionText },
  });
  if (!r.ok) throw new Error(`encrypt failed: ${r.reason}`);
  return [...r.value.statuses];
}

/**
 * Posts status texts as a direct thread from `from` (each later part replies to the one before;
 * the first to `inReplyToId` when given, as Hush's publisher does).
 */
export async function postThread(
  from: NodeParty,
  statuses: readonly string[],
  inReplyToId?: string,
): Promise<string[]> {
  const ids: string[] = [];
  for (const text of statuses) {
    const prev = ids.at(-1) ?? inReplyToId;
    const s = await api<StatusJson>(from.inst, from.username, 'POST', '/api/v1/statuses', {
      status: text,
      visibility: 'direct',
      ...(prev ? { in_reply_to_id: prev } : {}),
    });
    ids.push(s.id);
  }
  await from.inst.deliveriesSettled();
  return ids;
}
