import sodium from 'libsodium-wrappers-sumo';

export interface SodiumStatus {
  ready: boolean;
  version: string | null;
  error: string | null;
}

let status: Promise<SodiumStatus> | null = null;

/** Loads libsodium's wasm once per worker lifetime and reports whether it works. */
export function sodiumStatus(): Promise<SodiumStatus> {
  status ??= sodium.ready.then(
    () => {
      // A real operation, not just the load: proves wasm runs under the extension CSP.
      const kp = sodium.crypto_sign_keypair();
      const works = kp.publicKey.length === sodium.crypto_sign_PUBLICKEYBYTES;
      sodium.memzero(kp.privateKey);
      return { ready: works, version: sodium.sodium_version_string(), error: works ? null : 'self-test failed' };
    },
    (e: unknown) => ({ ready: false, version: null, error: e instanceof Error ? e.message : String(e) }),
  );
  return status;
}
