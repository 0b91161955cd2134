/**
 * Finds an account's Hush key through two independent paths and compares them (issue #5):
 *  1. the user's home instance (lookup, then search with resolve, which needs the user's token);
 *  2. the account's own instance's public API (origin of the account's actor URI, confirmed by
 *     WebFinger at the handle's domain, issue #21), which Mastodon serves cross-origin.
 * A home instance that substitutes a key is caught unless the account's own instance lies too;
 * then TOFU pinning catches the change. Bundles and revocations are self-authenticating (signed
 * over the actor URI), so a valid revocation from either path wins and a newer epoch of the SAME
 * identity key is simply fresher; a different identity key or actor URI is a disagreement.
 */
import { sameHandle } from '../../messaging/handle';
import {
  parseAndVerifyBundle,
  parseRevocation,
  PROFILE_FIELD_NAME,
  type Bundle,
  type Revocation,
} from '../../protocol/index';
import { htmlToText } from './html-text';
import type { AccountJson, ApiResult, MastodonApi } from './mastodon';

export type KeyMaterial =
  | { readonly kind: 'bundle'; readonly bundle: Bundle }
  | { readonly kind: 'revocation'; readonly revocation: Revocation }
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid'; readonly reason: string };

export interface Discovered {
  readonly ok: true;
  readonly actorUri: string;
  readonly acct: string;
  readonly material: KeyMaterial;
  /** Origins that served the material that was chosen. */
  readonly servedBy: readonly string[];
}

export type DiscoveryFailure =
  | { readonly ok: false; readonly kind: 'not_found' | 'network'; readonly message: string }
  | {
      readonly ok: false;
      readonly kind: 'disagreement';
      readonly message: string;
      readonly homeInstance: string;
      readonly originInstance: string;
    };

export type DiscoveryResult = Discovered | DiscoveryFailure;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The key material in an account's profile fields, verified for the account's actor URI. */
export function materialOf(account: AccountJson): KeyMaterial {
  const texts = account.fields.map((f) => ({
    name: htmlToText(f.name)?.trim() ?? '',
    text: htmlToText(f.value) ?? '',
  }));
  const candidates = [...texts.filter((f) => f.name.toLowerCase() === PROFILE_FIELD_NAME.toLowerCase()), ...texts];
  let invalid: string | null = null;
  for (const { text } of candidates) {
    const b = parseAndVerifyBundle(text, account.uri);
    if (b.ok) return { kind: 'bundle', bundle: b.value };
    const r = parseRevocation(text, account.uri);
    if (r.ok) return { kind: 'revocation', revocation: r.value };
    if (b.reason !== 'not_hush') invalid ??= b.reason;
    else if (r.reason !== 'not_hush') invalid ??= r.reason;
  }
  return invalid === null ? { kind: 'none' } : { kind: 'invalid', reason: invalid };
}

export type Comparison =
  | { readonly agree: true; readonly material: KeyMaterial; readonly from: 'both' | 'home' | 'origin' }
  | { readonly agree: false };

/** Compares what two instances serve for the same actor; `from` says who served the chosen material. */
export function compareMaterial(home: KeyMaterial, origin: KeyMaterial): Comparison {
  // A revocation is signed by the identity key itself: whoever serves it, it is authentic.
  if (origin.kind === 'revocation')
    return { agree: true, material: origin, from: home.kind === 'revocation' ? 'both' : 'origin' };
  if (home.kind === 'revocation') {
    // The home copy still shows the revocation of an older key while the account's own instance
    // already serves its successor: the successor (a key change the user must accept) is current.
    // Only ever the ORIGIN's bundle: a home instance's bundle never overrides a revocation.
    if (origin.kind === 'bundle' && !sameBytes(home.revocation.identityPk, origin.bundle.identityPk))
      return { agree: true, material: origin, from: 'origin' };
    return { agree: true, material: home, from: 'home' };
  }
  if (home.kind === 'bundle' && origin.kind === 'bundle') {
    const h = home.bundle;
    const o = origin.bundle;
    if (!sameBytes(h.identityPk, o.identityPk)) return { agree: false };
    if (h.epoch === o.epoch)
      return sameBytes(h.prekeyPk, o.prekeyPk) ? { agree: true, material: origin, from: 'both' } : { agree: false };
    // Same identity, different epochs: one cache is behind. The newer signed epoch is the current one.
    return h.epoch > o.epoch
      ? { agree: true, material: home, from: 'home' }
      : { agree: true, material: origin, from: 'origin' };
  }
  if (home.kind === origin.kind) return { agree: true, material: origin, from: 'both' };
  return { agree: false };
}

/** Home serves the pinned identity (a bundle or its revocation); the origin serves another identity's bundle. */
export function staleHomeCopy(home: KeyMaterial, origin: KeyMaterial, pinned: Uint8Array | null): boolean {
  if (pinned === null || origin.kind !== 'bundle' || sameBytes(origin.bundle.identityPk, pinned)) return false;
  if (home.kind === 'bundle') return sameBytes(home.bundle.identityPk, pinned);
  return false;
}

export interface DiscoveryInput {
  readonly api: MastodonApi;
  readonly homeOrigin: string;
  /** The home instance's account domain (for user@domain handles of local accounts). */
  readonly homeDomain: string;
  /** Full handle user@domain. */
  readonly acct: string;
  /** Asks for the user's token (resolving search needs it); null when no tab can provide one. */
  readonly token: () => Promise<string | null>;
  /**
   * The identity key already pinned for this account, if any. A home instance's cached copy of a
   * remote profile can lag for a day or more (Mastodon re-fetches remote accounts lazily), so after
   * a legitimate key change it still serves the key we pinned. That is staleness, not substitution.
   */
  readonly pinnedIdentityPk?: Uint8Array | null;
  /**
   * The actor URI pinned for this handle, if any: its binding was confirmed by WebFinger when it
   * was pinned, so WebFinger is asked again only for another actor URI.
   */
  readonly pinnedActorUri?: string | null;
}

function failure(r: Exclude<ApiResult<unknown>, { ok: true }>): DiscoveryFailure {
  return { ok: false, kind: r.kind === 'not_found' ? 'not_found' : 'network', message: r.message };
}

async function fromHome(input: DiscoveryInput, refresh: boolean): Promise<ApiResult<AccountJson>> {
  if (!refresh) {
    const known = await input.api.lookup(input.homeOrigin, input.acct);
    if (known.ok || known.kind !== 'not_found') return known;
  }
  const token = await input.token();
  if (token === null)
    return { ok: false, kind: 'network', message: 'open a tab of your instance so Hush can look this account up' };
  return input.api.resolve(input.homeOrigin, input.acct, token);
}

/**
 * Does the `acct` an instance returned name the requested handle? Mastodon shows its own accounts
 * bare ("carol"), at `localDomain`, and others as user@domain. Case-insensitive, otherwise exact.
 */
export function namesHandle(returned: string, handle: string, localDomain: string): boolean {
  return sameHandle(returned, handle, localDomain);
}

function originOfUri(uri: string): string | null {
  try {
    const u = new URL(uri);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * Discovery of user@domain (issue #21: the server decides nothing):
 *  1. the home instance, by the requested handle; the `acct` it returns must be that handle;
 *  2. for a remote handle whose actor URI is not the one already pinned for it: WebFinger at the
 *     handle's own domain, whose `self` link must be the actor URI the home instance gave;
 *  3. the account's origin (the actor URI's origin, never the display `url`), by the requested
 *     handle: it must answer with its own account for that handle, at the same actor URI.
 * Then the key material of both paths is compared as before.
 */
export async function discover(input: DiscoveryInput): Promise<DiscoveryResult> {
  let home = await fromHome(input, false);
  if (!home.ok) return failure(home);
  const handle = input.acct;
  const domain = handle.slice(handle.lastIndexOf('@') + 1).toLowerCase();
  if (!namesHandle(home.value.acct, handle, input.homeDomain)) {
    return {
      ok: false,
      kind: 'network',
      message: `${input.homeOrigin} answered ${home.value.acct} when asked for ${handle}`,
    };
  }
  const remote = domain !== input.homeDomain.toLowerCase();
  if (!remote) {
    // The home instance is the account's own instance: it is the only authority there is.
    return {
      ok: true,
      actorUri: home.value.uri,
      acct: handle,
      material: materialOf(home.value),
      servedBy: [input.homeOrigin],
    };
  }
  const claimed = home.value.uri;
  const webfingerHost = await input.api.webfingerHost(domain);
  const disagreeWith = (other: string): DiscoveryFailure => ({
    ok: false,
    kind: 'disagreement',
    message: `${input.homeOrigin} and ${other} disagree about ${handle}`,
    homeInstance: input.homeOrigin,
    originInstance: other,
  });
  if (claimed !== (input.pinnedActorUri ?? null)) {
    const wf = await input.api.webfinger(handle);
    if (!wf.ok)
      return wf.kind === 'not_found'
        ? { ok: false, kind: 'not_found', message: `${webfingerHost} does not know ${handle}` }
        : { ok: false, kind: 'network', message: `could not confirm ${handle} with ${webfingerHost}: ${wf.message}` };
    // The handle's own domain names another actor than the home instance: the home instance lies.
    if (wf.value !== claimed) return disagreeWith(webfingerHost);
  }
  const originInstance = originOfUri(claimed);
  if (originInstance === null) return { ok: false, kind: 'network', message: 'the account has no usable actor URI' };
  // A remote account "hosted" on the home instance would skip the second path: refuse it.
  if (originInstance === input.homeOrigin)
    return { ok: false, kind: 'network', message: `${input.homeOrigin} claims a remote account lives on it` };
  const direct = await input.api.lookup(originInstance, handle);
  if (!direct.ok)
    return {
      ok: false,
      kind: 'network',
      message: `could not confirm the key with ${originInstance}: ${direct.message}`,
    };
  const disagreement = disagreeWith(originInstance);
  // The origin must answer with its own account for this handle, at the actor URI confirmed above.
  if (!namesHandle(direct.value.acct, handle, domain)) return disagreement;
  if (direct.value.uri !== claimed) return disagreement;
  const originMaterial = materialOf(direct.value);
  const sameAccount = (a: AccountJson) => a.uri === claimed && namesHandle(a.acct, handle, input.homeDomain);
  let cmp = compareMaterial(materialOf(home.value), originMaterial);
  const pinned = input.pinnedIdentityPk ?? null;
  if (
    !cmp.agree &&
    originMaterial.kind !== 'none' &&
    (materialOf(home.value).kind === 'none' || staleHomeCopy(materialOf(home.value), originMaterial, pinned))
  ) {
    // The home copy is probably older than the key (profile updates federate with a delay, and
    // only to instances with followers): ask it to re-resolve once. A home copy with a key we
    // never pinned is not "healed" this way: that is what a substituting home instance serves.
    const refreshed = await fromHome(input, true);
    if (refreshed.ok && sameAccount(refreshed.value)) {
      home = refreshed;
      cmp = compareMaterial(materialOf(home.value), originMaterial);
    }
  }
  if (!cmp.agree && staleHomeCopy(materialOf(home.value), originMaterial, pinned)) {
    // Still the key we pinned at home, a new one at the account's own instance: what a real key
    // change looks like until the home copy catches up. Only the origin vouches for the new key,
    // so it becomes a key change the user must accept (TOFU), never a silent switch. The home
    // instance cannot inject a key this way: it only ever served the key we already trusted.
    return { ok: true, actorUri: claimed, acct: handle, material: originMaterial, servedBy: [originInstance] };
  }
  if (!cmp.agree) return disagreement;
  return {
    ok: true,
    actorUri: claimed,
    acct: handle,
    material: cmp.material,
    servedBy:
      cmp.from === 'both'
        ? [input.homeOrigin, originInstance]
        : cmp.from === 'home'
          ? [input.homeOrigin]
          : [originInstance],
  };
}
