/**
 * The own-account key life cycle: enable (generate + publish), rotation with publish retries, and
 * revocation. Keys are stored before anything is published, and the published prekey is never
 * pruned, so a failure at any step leaves working keys; publish failures are retried by the
 * maintenance alarm and reported once they keep failing.
 */
import {
  createChain,
  currentPrekey,
  encodeBundle,
  encodeRevocation,
  fingerprint,
  generateIdentity,
  type RevocationReason,
} from '../../protocol/index';
import type { AccountRef } from '../services';
import type { KeysAccountState, KeysAccountStatus, KeysEnableReply } from '../../messaging/keys-messages';
import { record } from '../diagnostics';
import { b64, unb64 } from '../../messaging/encoding';
import type { AccountRecord } from '../storage/schema';
import type { CredentialJson } from '../network/mastodon';
import { fieldsMatch, planFields } from './fields';
import { chainInfo, rotate, sameChain, type KeyMaterial } from './material';
import type { KeyRuntime } from './services-impl';

/** After this many failed attempts in a row the user is told publishing keeps failing. */
export const FAILING_AFTER = 3;

/** What the popup is told about an account (the message types are the one definition). */
export type AccountState = KeysAccountState;
export type AccountStatusView = KeysAccountStatus;
export type EnableOutcome = KeysEnableReply;

export async function accountStatus(rt: KeyRuntime, ref: AccountRef): Promise<AccountStatusView> {
  const r = await rt.account(ref);
  const hasPassphrase = await rt.hasPassphrase();
  if (r === null) return { state: 'not_enabled', acct: null, fingerprint: null, hasPassphrase, publish: null };
  const pk = unb64(r.identityPk) ?? new Uint8Array(32);
  const locked = r.secrets.kind === 'sealed' && (await rt.vaultKey()) === null;
  return {
    state: r.status === 'revoked' ? 'revoked' : locked ? 'locked' : 'enabled',
    acct: r.acct,
    fingerprint: fingerprint(pk),
    hasPassphrase,
    publish: {
      publishedEpoch: r.published?.epoch ?? null,
      currentEpoch: r.chainInfo.epoch,
      pending: r.publish.wantEpoch !== null,
      failing: r.publish.attempts >= FAILING_AFTER,
      lastError: r.publish.lastError,
    },
  };
}

type PublishAttempt =
  | { ok: true }
  | {
      ok: false;
      reason: 'no_tab' | 'account_mismatch' | 'network' | 'fields_full' | 'bad_choice';
      message: string;
      fields?: { index: number; name: string }[];
    };

/** Writes `value` into the user's Hush field, keeping every other field exactly. */
async function publishValue(
  rt: KeyRuntime,
  ref: AccountRef,
  value: string,
  replaceIndex: number | null,
  creds?: CredentialJson,
  token?: string,
): Promise<PublishAttempt> {
  const tok = token ?? (await rt.deps.token(ref, 'publish'));
  if (tok === null)
    return { ok: false, reason: 'no_tab', message: 'open a tab of this account on its instance so Hush can publish' };
  let me = creds;
  if (me === undefined) {
    const got = await rt.api.verifyCredentials(ref.origin, tok);
    if (!got.ok) return { ok: false, reason: 'network', message: got.message };
    me = got.value;
  }
  if (me.id !== ref.accountId)
    return { ok: false, reason: 'account_mismatch', message: 'the tab is signed in to another account' };
  const plan = planFields(me.source.fields, value, replaceIndex);
  if (plan.kind === 'full')
    return { ok: false, reason: 'fields_full', message: 'all profile fields are taken', fields: [...plan.fields] };
  if (plan.kind === 'bad_choice') return { ok: false, reason: 'bad_choice', message: 'no such field' };
  const saved = await rt.api.updateFields(ref.origin, tok, plan.fields);
  if (!saved.ok) return { ok: false, reason: 'network', message: saved.message };
  if (!fieldsMatch(plan.fields, saved.value.source.fields))
    return { ok: false, reason: 'network', message: 'the instance did not store the fields as sent' };
  return { ok: true };
}

async function recordAttempt(
  rt: KeyRuntime,
  ref: AccountRef,
  epoch: number,
  kind: 'bundle' | 'revocation',
  attempt: PublishAttempt,
): Promise<AccountRecord | null> {
  const now = await rt.now();
  return rt.store.exclusive(async () => {
    const r = await rt.account(ref);
    if (r === null) return null;
    const next: AccountRecord = attempt.ok
      ? {
          ...r,
          published: { epoch, at: now, kind },
          publish: {
            wantEpoch: r.chainInfo.epoch === epoch || kind === 'revocation' ? null : r.chainInfo.epoch,
            attempts: 0,
            lastError: null,
            lastAttemptAt: now,
          },
          ...(kind === 'revocation' ? { status: 'revoked' as const, revokedAt: now } : {}),
        }
      : // No open tab of the account is a wait, not a failure: it does not count towards "failing".
        {
          ...r,
          publish: {
            ...r.publish,
            attempts: r.publish.attempts + (attempt.reason === 'no_tab' ? 0 : 1),
            lastError: attempt.message,
            lastAttemptAt: now,
          },
        };
    await rt.store.putAccount(next);
    if (!attempt.ok && next.publish.attempts === FAILING_AFTER)
      record('warn', `publishing the key of ${r.acct} keeps failing: ${attempt.message}`);
    return next;
  });
}

export async function enable(rt: KeyRuntime, ref: AccountRef, replaceIndex: number | null): Promise<EnableOutcome> {
  const existing = await rt.account(ref);
  if (existing?.status === 'active') {
    if (existing.publish.wantEpoch !== null) await maintainAccount(rt, ref);
    return { result: 'enabled', status: await accountStatus(rt, ref) };
  }
  if (await rt.isLocked()) return { result: 'error', reason: 'locked', message: 'unlock Hush first' };
  const token = await rt.deps.token(ref, 'publish');
  if (token === null)
    return { result: 'error', reason: 'no_tab', message: 'open a tab of this account on its instance' };
  const creds = await rt.api.verifyCredentials(ref.origin, token);
  if (!creds.ok) return { result: 'error', reason: 'network', message: creds.message };
  if (creds.value.id !== ref.accountId)
    return { result: 'error', reason: 'account_mismatch', message: 'the tab is signed in to another account' };
  // Ask before generating anything when every field is taken.
  const probe = planFields(creds.value.source.fields, '', replaceIndex);
  if (probe.kind === 'full') return { result: 'fields_full', fields: probe.fields };
  if (probe.kind === 'bad_choice') return { result: 'error', reason: 'bad_choice', message: 'no such field' };
  const domain = await rt.api.domain(ref.origin);
  if (!domain.ok) return { result: 'error', reason: 'network', message: domain.message };
  const now = await rt.now();
  const settings = await rt.store.settings();
  const material: KeyMaterial = {
    identity: generateIdentity(creds.value.uri),
    chain: createChain(now, settings.rotationPeriodSeconds),
  };
  const secrets = await rt.secretsFor(ref, material);
  if (secrets === 'locked') return { result: 'error', reason: 'locked', message: 'unlock Hush first' };
  const record: AccountRecord = {
    v: 2,
    origin: ref.origin,
    accountId: ref.accountId,
    acct: `${creds.value.username}@${domain.value}`,
    actorUri: creds.value.uri,
    identityPk: b64(material.identity.publicKey),
    createdAt: now,
    status: 'active',
    revokedAt: null,
    secrets,
    chainInfo: chainInfo(material.chain),
    published: null,
    publish: { wantEpoch: material.chain.epoch, attempts: 0, lastError: null, lastAttemptAt: null },
  };
  // Stored first: if publishing fails, the same keys are published by the next retry.
  await rt.store.exclusive(() => rt.store.putAccount(record));
  const value = encodeBundle(material.identity, material.chain.epoch, currentPrekey(material.chain).publicKey);
  const attempt = await publishValue(rt, ref, value, replaceIndex, creds.value, token);
  await recordAttempt(rt, ref, material.chain.epoch, 'bundle', attempt);
  if (!attempt.ok) return { result: 'error', reason: 'publish_failed', message: attempt.message };
  return { result: 'enabled', status: await accountStatus(rt, ref) };
}

/** Rotation + publish retry for one account (the alarm runs it for all). Needs unlocked secrets. */
export async function maintainAccount(
  rt: KeyRuntime,
  ref: AccountRef,
): Promise<'ok' | 'locked' | 'not_enabled' | 'publish_failed'> {
  const now = await rt.now();
  const { graceSeconds } = await rt.store.settings();
  const updated = await rt.store.exclusive(async () => {
    const r = await rt.account(ref);
    if (r?.status !== 'active') return 'not_enabled' as const;
    const m = await rt.material(r);
    if (!m.ok) return 'locked' as const;
    const chain = rotate(m.material.chain, now, graceSeconds, r.published?.epoch ?? null);
    if (sameChain(chain, m.material.chain)) return { record: r, material: m.material };
    const secrets = await rt.secretsFor(r, { ...m.material, chain });
    if (secrets === 'locked') return 'locked' as const;
    const wantEpoch = r.published?.epoch === chain.epoch ? null : chain.epoch;
    const next: AccountRecord = { ...r, secrets, chainInfo: chainInfo(chain), publish: { ...r.publish, wantEpoch } };
    await rt.store.putAccount(next);
    return { record: next, material: { ...m.material, chain } };
  });
  if (typeof updated === 'string') return updated;
  const { record, material } = updated;
  if (record.publish.wantEpoch === null) return 'ok';
  const value = encodeBundle(material.identity, material.chain.epoch, currentPrekey(material.chain).publicKey);
  const attempt = await publishValue(rt, ref, value, null);
  await recordAttempt(rt, ref, material.chain.epoch, 'bundle', attempt);
  return attempt.ok ? 'ok' : 'publish_failed';
}

export async function maintainAll(rt: KeyRuntime): Promise<void> {
  for (const r of await rt.store.accounts()) {
    if (r.status === 'active') await maintainAccount(rt, { origin: r.origin, accountId: r.accountId });
  }
}

export type RevokeOutcome =
  | { readonly result: 'revoked'; readonly status: AccountStatusView }
  | { readonly result: 'error'; readonly reason: string; readonly message: string };

/** Publishes a revocation signed by the key (replacing the bundle); the key is then never used again. */
export async function revoke(rt: KeyRuntime, ref: AccountRef, reason: RevocationReason): Promise<RevokeOutcome> {
  const r = await rt.account(ref);
  if (r?.status !== 'active')
    return { result: 'error', reason: 'not_enabled', message: 'no active key for this account' };
  const m = await rt.material(r);
  if (!m.ok)
    return {
      result: 'error',
      reason: m.reason,
      message: m.reason === 'locked' ? 'unlock Hush first' : 'stored keys are damaged',
    };
  const now = await rt.now();
  const attempt = await publishValue(rt, ref, encodeRevocation(m.material.identity, now, reason), null);
  if (!attempt.ok) return { result: 'error', reason: attempt.reason, message: attempt.message };
  await recordAttempt(rt, ref, r.chainInfo.epoch, 'revocation', attempt);
  return { result: 'revoked', status: await accountStatus(rt, ref) };
}
