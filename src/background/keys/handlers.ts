/**
 * Message handlers of the key life cycle (popup / options only), and the background wiring the
 * key store needs at start: the maintenance alarm (rotation + publish retries) and the auto-lock
 * alarm. The composition root (background/index.ts) gives both the one key runtime and calls
 * `installKeysBackground` synchronously at the top level of the background script, as event pages
 * and service workers require of listeners.
 */
import browser from 'webextension-polyfill';
import type { KeysSettings } from '../../messaging/keys-messages';
import type { HandlersFor } from '../router';
import type { keysRequests } from '../../messaging/keys-messages';
import type { AccountRef, KeyServices } from '../services';
import { record } from '../diagnostics';
import { compareSafetyPayload } from '../../protocol/index';
import { unb64 } from '../../messaging/encoding';
import { domainOf, fullHandle } from '../../messaging/handle';
import { contactByAcct, resolveContact } from '../contacts/resolver';
import { decideIdentityChange } from '../contacts/identity-view';
import { acceptChange, keepBlocked, markVerified } from '../contacts/tofu';
import type { Settings } from '../storage/schema';
import { accountStatus, enable, maintainAccount, maintainAll, revoke } from './accounts';
import { exportAccountBackup, importAccountBackup } from './backup-ops';
import type { KeyRuntime } from './services-impl';
import { installMessageRecorder } from './test-recorder';
import { contactDetail, contactSummary, myKeys } from './views';

export const AUTOLOCK_ALARM = 'hush-autolock';
export const MAINTENANCE_ALARM = 'hush-maintenance';

export interface KeysWiring {
  /** The background's one key runtime (the same one its KeyServices use). */
  readonly runtime: () => KeyRuntime;
  /** What an open tab of this account showed (handle, actor URI), or null when no tab is open. */
  readonly tabAccount: (account: AccountRef) => Promise<{ acct: string; actorUri: string | null } | null>;
}

const DAY = 86400;
const toView = (s: Settings): KeysSettings => ({
  rotationDays: Math.round(s.rotationPeriodSeconds / DAY),
  graceDays: Math.round(s.graceSeconds / DAY),
  autoLockMinutes: Math.round(s.autoLockSeconds / 60),
});

async function contactFor(rt: KeyRuntime, account: AccountRef, acctInput: string, refresh: boolean) {
  const me = await rt.account(account);
  if (me === null) return { me: null, contact: null };
  const acct = fullHandle(acctInput, domainOf(me.acct));
  if (acct === null) return { me, contact: null };
  const cached = await contactByAcct(rt, acct);
  if (cached !== null && !refresh) return { me, contact: cached };
  const r = await resolveContact(rt, me, acct, { refresh });
  return { me, contact: r.contact ?? (await contactByAcct(rt, acct)) };
}

export function createKeysHandlers({ runtime, tabAccount }: KeysWiring): HandlersFor<keyof typeof keysRequests> {
  const ready = async (): Promise<KeyRuntime> => {
    const rt = runtime();
    await rt.init(); // throws (-> `internal`, logged by the router) while storage cannot be used
    await rt.touch();
    return rt;
  };
  return {
    'keys/status': async ({ account }) => accountStatus(await ready(), account),
    'keys/enable': async ({ account, replaceField }) => enable(await ready(), account, replaceField),
    'keys/sync': async ({ account }) => {
      const rt = await ready();
      await maintainAccount(rt, account);
      return accountStatus(rt, account);
    },
    'keys/revoke': async ({ account, reason }) => revoke(await ready(), account, reason),
    'keys/my-keys': async ({ account }) => {
      const rt = await ready();
      const r = await rt.account(account);
      if (r === null) return { result: 'not_enabled' as const, message: 'Hush is not enabled for this account' };
      return { result: 'ok' as const, keys: myKeys(r, await rt.hasPassphrase(), await rt.isLocked()) };
    },
    'keys/contacts': async ({ query }) => {
      const rt = await ready();
      const q = query.trim().toLowerCase().replace(/^@/, '');
      const all = await rt.store.contacts();
      const hits = all.filter(
        (c) =>
          q === '' ||
          c.acct.toLowerCase().includes(q) ||
          c.pinned.fingerprint.replace(/ /g, '').includes(q.replace(/ /g, '')),
      );
      return { contacts: hits.sort((a, b) => a.acct.localeCompare(b.acct)).map(contactSummary) };
    },
    'keys/contact': async ({ account, acct, refresh }) => {
      const rt = await ready();
      const { me, contact } = await contactFor(rt, account, acct, refresh);
      if (me === null) return { result: 'not_enabled' as const, message: 'Hush is not enabled for this account' };
      if (contact === null) return { result: 'not_found' as const, message: `no key is known for ${acct}` };
      return contactDetail(me, contact);
    },
    'keys/contact-verify': async ({ account, acct, fingerprint }) => {
      const rt = await ready();
      const now = await rt.now();
      return rt.store.exclusive(async () => {
        const { contact } = await contactFor(rt, account, acct, false);
        if (contact === null) return { result: 'not_found' as const, message: `no key is known for ${acct}` };
        const verified = markVerified(contact, fingerprint, now);
        if (verified === null)
          return { result: 'mismatch' as const, message: 'the key changed since it was shown: compare again' };
        await rt.store.putContact(verified);
        return { result: 'verified' as const, contact: contactSummary(verified) };
      });
    },
    'keys/contact-verify-qr': async ({ account, acct, scanned }) => {
      const rt = await ready();
      const now = await rt.now();
      return rt.store.exclusive(async () => {
        const { me, contact } = await contactFor(rt, account, acct, false);
        if (me === null || contact === null)
          return { result: 'not_found' as const, message: `no key is known for ${acct}` };
        const payload = unb64(scanned.trim());
        const mine = contactDetail(me, contact);
        const expected = mine.result === 'ok' ? unb64(mine.qrPayload) : undefined;
        const verified =
          payload !== undefined && expected !== undefined && compareSafetyPayload(expected, payload)
            ? markVerified(contact, contact.pinned.fingerprint, now)
            : null;
        if (verified === null)
          return {
            result: 'mismatch' as const,
            message: 'the scanned code does not match: the key may have been substituted',
          };
        await rt.store.putContact(verified);
        return { result: 'verified' as const, contact: contactSummary(verified) };
      });
    },
    'keys/key-change-resolve': async ({ account, acct, accept, newFingerprint }) => {
      const rt = await ready();
      const now = await rt.now();
      return rt.store.exclusive(async () => {
        const { contact } = await contactFor(rt, account, acct, false);
        if (contact === null) return { result: 'not_found' as const, message: `no key is known for ${acct}` };
        if (contact.identityChange !== null) {
          // An identity change (issue #21) is decided first: the fingerprint names the change shown.
          const d = decideIdentityChange(contact, accept, newFingerprint, now);
          if (d.result === 'mismatch')
            return { result: 'mismatch' as const, message: 'the account changed since it was shown: look again' };
          if (d.result === 'kept_blocked') await rt.store.putContact(d.contact);
          else if (d.contact === null) await rt.store.removeContact(d.previousActorUri);
          else await rt.store.rebindContact(d.previousActorUri, d.contact);
          return { result: d.result, contact: contactSummary(d.contact ?? contact) };
        }
        if (contact.pendingChange?.fingerprint !== newFingerprint)
          return { result: 'mismatch' as const, message: 'the key changed since it was shown: look again' };
        const next = accept ? acceptChange(contact, now) : keepBlocked(contact);
        await rt.store.putContact(next);
        return { result: accept ? ('accepted' as const) : ('kept_blocked' as const), contact: contactSummary(next) };
      });
    },
    'keys/backup-export': async ({ account }) => exportAccountBackup(await ready(), account),
    'keys/backup-import': async ({ account, contents, recoveryCode, replaceExisting }) => {
      const rt = await ready();
      const tab = await tabAccount(account);
      return importAccountBackup(
        rt,
        account,
        contents,
        recoveryCode,
        replaceExisting,
        tab?.actorUri ?? null,
        tab?.acct ?? null,
      );
    },
    // Strength is judged where the passphrase is typed (popup/options, src/popup/strength.ts): the
    // zxcvbn dictionaries would triple every worker start. Only extension pages may send this.
    'keys/passphrase-set': async ({ passphrase, current }) => ({
      result: await (await ready()).setPassphrase(passphrase, current),
    }),
    'keys/unlock': async ({ passphrase }) => {
      const rt = await ready();
      const result = await rt.unlock(passphrase);
      // Rotation that waited for the keys runs now.
      if (result === 'ok') void maintainAll(rt);
      return { result };
    },
    'keys/lock': async () => {
      const rt = await ready();
      await rt.lock();
      return { locked: await rt.isLocked() };
    },
    'keys/settings-get': async () => toView(await (await ready()).store.settings()),
    'keys/settings-set': async (change) => {
      const rt = await ready();
      return rt.store.exclusive(async () => {
        const s = await rt.store.settings();
        const next: Settings = {
          rotationPeriodSeconds:
            change.rotationDays === undefined ? s.rotationPeriodSeconds : change.rotationDays * DAY,
          graceSeconds: change.graceDays === undefined ? s.graceSeconds : change.graceDays * DAY,
          autoLockSeconds: change.autoLockMinutes === undefined ? s.autoLockSeconds : change.autoLockMinutes * 60,
        };
        // The envelope's epoch hint is one byte: the grace window must stay well under 255 epochs.
        const bounded = { ...next, graceSeconds: Math.min(next.graceSeconds, 250 * next.rotationPeriodSeconds) };
        await rt.store.putSettings(bounded);
        return toView(bounded);
      });
    },
  };
}

/** Alarms (and, in test builds, the message recorder and the test key services): once, at start. */
export function installKeysBackground({
  runtime,
  services,
}: Pick<KeysWiring, 'runtime'> & { services: KeyServices }): void {
  // The constant itself, so that release builds compile the recorder and test services out.
  if (typeof __HUSH_TEST_BUILD__ !== 'undefined' && __HUSH_TEST_BUILD__) {
    installMessageRecorder();
    // Browser tests drive encrypt/decrypt directly (the overlay has its own tests of its UI path).
    (globalThis as { __hushTestKeyServices?: KeyServices }).__hushTestKeyServices = services;
  }
  browser.alarms.onAlarm.addListener((alarm) => {
    const rt = runtime();
    const run = async () => {
      await rt.init();
      if (alarm.name === MAINTENANCE_ALARM) await maintainAll(rt);
      else if (alarm.name === AUTOLOCK_ALARM && (await rt.autoLockIfIdle())) await browser.alarms.clear(AUTOLOCK_ALARM);
    };
    run().catch((e: unknown) => record('error', `alarm ${alarm.name}: ${e instanceof Error ? e.message : String(e)}`));
  });
  // Create once; an existing alarm keeps its schedule across worker restarts.
  void browser.alarms
    .get(MAINTENANCE_ALARM)
    .then((a) =>
      a === undefined
        ? browser.alarms.create(MAINTENANCE_ALARM, { delayInMinutes: 1, periodInMinutes: 60 })
        : undefined,
    );
}
