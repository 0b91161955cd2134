// Every domain-separation label of protocol v1, in one place (docs/PROTOCOL.md §1.4).
export const LABEL = {
  chainNext: 'hush1/chain-next',
  prekey: 'hush1/prekey',
  bundleSig: 'hush1/bundle-sig',
  revocationSig: 'hush1/revocation-sig',
  keyId: 'hush1/key-id',
  fingerprint: 'hush1/fingerprint',
  context: 'hush1/context',
  kek: 'hush1/kek',
  commit: 'hush1/commit',
  body: 'hush1/body',
  envelopeSig: 'hush1/envelope-sig',
  safetyNumber: 'hush1/safety-number',
  backup: 'hush1/backup',
} as const;

/** The single protocol version byte. No negotiation: anything else is 'unsupported_version'. */
export const VERSION = 0x01;
