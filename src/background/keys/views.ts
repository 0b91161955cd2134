/** Public views of stored records for the popup: no secret bytes, ever. */
import { fingerprint, safetyNumber } from '../../protocol/index';
import type { KeysContactDetail, KeysContactSummary, KeysMyKeys } from '../../messaging/keys-messages';
import { identityChangeView } from '../contacts/identity-view';
import { contactState, contactTrust } from '../contacts/tofu';
import { b64, unb64 } from '../../messaging/encoding';
import type { AccountRecord, Contact } from '../storage/schema';

export function contactSummary(c: Contact): KeysContactSummary {
  return {
    acct: c.acct,
    actorUri: c.actorUri,
    trust: contactTrust(c),
    fingerprint: c.pinned.fingerprint,
    state: contactState(c),
    warning:
      c.warning === null
        ? null
        : { homeInstance: c.warning.homeInstance, originInstance: c.warning.originInstance, at: c.warning.at },
    revoked: c.revoked === null ? null : { revokedAt: c.revoked.revokedAt, reason: c.revoked.reason },
  };
}

const pk = (text: string): Uint8Array => unb64(text) ?? new Uint8Array(32);

export function contactDetail(me: AccountRecord, c: Contact): KeysContactDetail {
  const sn = safetyNumber(
    { actorUri: me.actorUri, identityPk: pk(me.identityPk) },
    { actorUri: c.actorUri, identityPk: pk(c.pinned.identityPk) },
  );
  const p = c.pendingChange;
  return {
    result: 'ok',
    contact: contactSummary(c),
    safetyDigits: sn.digits,
    safetyDisplay: sn.display,
    qrPayload: b64(sn.qrPayload),
    keyChange:
      p === null
        ? null
        : {
            oldFingerprint: c.pinned.fingerprint,
            newFingerprint: p.fingerprint,
            changedAt: p.seenAt,
            servedBy: p.servedBy,
            keptBlocked: p.keptBlocked,
          },
    identityChange: identityChangeView(c),
    previousKeys: c.history.map((h) => ({ fingerprint: h.fingerprint, replacedAt: h.replacedAt })),
  };
}

export function myKeys(r: AccountRecord, hasPassphrase: boolean, locked: boolean): KeysMyKeys {
  const fp = fingerprint(pk(r.identityPk));
  return {
    acct: r.acct,
    fingerprint: fp,
    qrPayload: `hush1-fingerprint:${r.acct}:${fp.replace(/ /g, '')}`,
    hasPassphrase,
    locked,
    epoch: r.chainInfo.epoch,
  };
}
