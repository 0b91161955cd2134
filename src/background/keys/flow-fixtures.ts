/** Test fixtures for key-store tests (imported by *.test.ts only). */

/** An attacker's own identity with a valid bundle for a victim's actor URI. */
import {
  createChain,
  currentPrekey,
  encodeBundle,
  generateIdentity,
  type Identity,
  type PrekeyChainState,
} from '../../protocol/index';
import { b64 } from '../../messaging/encoding';
import type { AccountRecord } from '../storage/schema';
import { chainInfo, toPlain } from './material';

export function createIdentity(_acct: string, actorUri: string): { field: string } {
  const identity = generateIdentity(actorUri);
  const chain = createChain(1_800_000_000);
  return { field: encodeBundle(identity, 5, currentPrekey(chain).publicKey) };
}

/**
 * The store record of an active account holding `identity` and `chain`, created and its bundle
 * published at `now` (what a key-store test puts before it reads, sends or backs up).
 */
export function activeAccount(
  ref: { origin: string; accountId: string },
  acct: string,
  identity: Identity,
  chain: PrekeyChainState,
  now: number,
): AccountRecord {
  return {
    v: 2,
    ...ref,
    acct,
    actorUri: identity.actorUri,
    identityPk: b64(identity.publicKey),
    createdAt: now,
    status: 'active',
    revokedAt: null,
    secrets: toPlain({ identity, chain }),
    chainInfo: chainInfo(chain),
    published: { epoch: chain.epoch, at: now, kind: 'bundle' },
    publish: { wantEpoch: null, attempts: 0, lastError: null, lastAttemptAt: null },
  };
}
