/**
 * createKeyServices(): the KeyServices contract (services.ts) for the overlay, over the
 * background's shared key runtime (or a given one, in tests). Implementation: keys/services-impl.ts.
 */
import type { KeyServices } from './services';
import { browserRuntime } from './keys/browser-deps';
import type { KeyRuntime } from './keys/runtime';
import { checkRecipients, contactList, decrypt, encrypt, errText, fail, handlesOf, openLocal, sealLocal, searchAccounts, senderTrust } from './keys/services-impl';

/** The services over a runtime; without one, over the background's shared browser runtime. */
export function createKeyServices(runtime?: KeyRuntime): KeyServices {
  const rt = () => runtime ?? browserRuntime();
  return {
    // Storage unusable (see KeyRuntime.init) or a bug: answer "not ready", never throw.
    checkRecipients: (a, accts) => checkRecipients(rt(), a, accts).catch(() => ({ account: 'not_enabled' as const, recipients: [] })),
    encrypt: (a, r) =>
      encrypt(rt(), a, r).catch((e: unknown) => ({ ok: false as const, account: null, recipients: [], message: `internal: ${errText(e)}` })),
    // Never throws on hostile input: anything unexpected becomes a typed failure.
    decrypt: (a, r) => decrypt(rt(), a, r).catch((e: unknown) => fail('internal', errText(e))),
    senderTrust: (a, s, t) => senderTrust(rt(), a, s, t).catch(() => ({ kind: 'unknown' as const, acct: null, fingerprint: s.fingerprint })),
    handlesOf: (a, u) => handlesOf(rt(), a, u).catch(() => u.map(() => null)),
    sealLocal: (a, d) => sealLocal(rt(), a, d).catch(() => 'not_enabled' as const),
    openLocal: (a, s) => openLocal(rt(), a, s).catch(() => 'not_enabled' as const),
    searchAccounts: (a, q) => searchAccounts(rt(), a, q).catch(() => []),
    contactList: (a) => contactList(rt(), a).catch(() => []),
  };
}
