/** Test fixtures for key-store tests: an attacker's own identity with a valid bundle for a victim's actor URI. */
import { createChain, currentPrekey, encodeBundle, generateIdentity } from '../../protocol/index';

export function createIdentity(_acct: string, actorUri: string): { field: string } {
  const identity = generateIdentity(actorUri);
  const chain = createChain(1_800_000_000);
  return { field: encodeBundle(identity, 5, currentPrekey(chain).publicKey) };
}
