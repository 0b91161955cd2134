/**
 * Mastodon handles (`user@domain`), one rule set for the whole extension. A recipient is a
 * security decision, so anything Mastodon would not accept as an account handle is refused
 * (null), never guessed at. Rules (Mastodon's account model and domain validator; see
 * docs/mastodon-ui.md, "Handles"):
 *
 * - username: ASCII letters, digits and `_`, with single or repeated `.`/`-` only BETWEEN such
 *   characters (`a.b`, `a--b`; not `.a`, `a.`, `a@`); at most 2048 characters (Mastodon's limit for
 *   remote accounts; local ones are at most 30, which Hush cannot tell apart and so does not check).
 *   Compared case-insensitively; shown as written.
 * - domain: a host name, internationalised names allowed and stored as their ASCII (punycode)
 *   form, lower case; labels of 1-63 characters from `a-z0-9-`; fewer than 256 characters in all;
 *   an optional `:port` (Mastodon's LOCAL_DOMAIN may carry one).
 * - a handle without a domain is a local account of the instance it was written on (`home`).
 *
 * Pure: no browser or Node APIs beyond WHATWG `URL` (for IDNA), so every layer may use it.
 */

export interface Handle {
  /** As written (case kept: Mastodon shows it so), without `@`. */
  readonly username: string;
  /** ASCII (punycode), lower case, with `:port` when one was given. */
  readonly domain: string;
}

export const USERNAME_MAX = 2048;
export const DOMAIN_MAX = 255;
const LABEL_MAX = 63;

const USERNAME = /^[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*$/i;
/** What may appear in a written domain before IDNA: letters, digits, combining marks, `.`, `-`. */
const RAW_DOMAIN = /^[\p{L}\p{N}\p{M}.-]+$/u;
const LABEL = /^[a-z0-9-]{1,63}$/;

/** `Bücher.Example` -> `xn--bcher-kva.example`; null when it is no valid host name by Mastodon's rules. */
export function normalizeDomain(written: string): string | null {
  const m = /^([^:]*)(?::(\d{1,5}))?$/.exec(written);
  const host = m?.[1] ?? '';
  const port = m?.[2];
  if (host === '' || host.length > DOMAIN_MAX * 4 || !RAW_DOMAIN.test(host)) return null;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535 || port.startsWith('0'))) return null;
  let ascii: string;
  try {
    ascii = new URL(`https://${host}/`).hostname;
  } catch {
    return null;
  }
  if (ascii.length > DOMAIN_MAX || ascii.length === 0) return null;
  // The URL parser reads a numeric last label as an IPv4 address ("0" -> "0.0.0.0", "0x1" ->
  // "0.0.0.1"): only a host already written in that form is kept.
  const last = ascii.slice(ascii.lastIndexOf('.') + 1);
  if (/^[\x20-\x7e]*$/.test(host) ? ascii !== host.toLowerCase() : /^(?:0x[0-9a-f]*|[0-9]+)$/.test(last)) return null;
  const labels = ascii.split('.');
  if (!labels.every((l) => LABEL.test(l) && l.length <= LABEL_MAX)) return null;
  return port === undefined ? ascii : `${ascii}:${port}`;
}

/**
 * `@Bob@B.test`, `bob@b.test` or `bob` (with `home` = the instance it was written on) -> the
 * handle; null for anything else. One leading `@` and surrounding white space are dropped.
 */
export function parseHandle(input: string, home: string | null): Handle | null {
  const s = input.trim().replace(/^@/, '');
  const at = s.indexOf('@');
  const username = at < 0 ? s : s.slice(0, at);
  const writtenDomain = at < 0 ? home : s.slice(at + 1);
  if (username.length === 0 || username.length > USERNAME_MAX || !USERNAME.test(username)) return null;
  if (writtenDomain === null || writtenDomain.includes('@')) return null;
  const domain = normalizeDomain(writtenDomain);
  return domain === null ? null : { username, domain };
}

/** `bob@b.test` (username as written, domain normalised). */
export const formatHandle = (h: Handle): string => `${h.username}@${h.domain}`;

/** The full handle for `input` (see parseHandle), or null. */
export function fullHandle(input: string, home: string | null): string | null {
  const h = parseHandle(input, home);
  return h === null ? null : formatHandle(h);
}

/** The form two handles are compared in: both parts lower case. */
export const handleKey = (h: Handle): string => formatHandle(h).toLowerCase();

/** Whether two written handles name the same account (each completed with `home` when local). */
export function sameHandle(a: string, b: string, home: string | null): boolean {
  const x = parseHandle(a, home);
  const y = parseHandle(b, home);
  return x !== null && y !== null && handleKey(x) === handleKey(y);
}

/** The domain of a full handle (`bob@b.test` -> `b.test`); '' when it has none. */
export function domainOf(acct: string): string {
  const at = acct.lastIndexOf('@');
  return at < 0 ? '' : acct.slice(at + 1);
}

/**
 * `@user` and `@user@domain` mentions in a text, as written (not yet parsed: pass each to
 * parseHandle). As Mastodon finds them: not preceded by a word character, `=` or `/`.
 */
const MENTION =
  /(?<![=/\p{L}\p{N}_])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*(?:@[\p{L}\p{N}\p{M}_]+(?:[.-]+[\p{L}\p{N}\p{M}_]+)*(?::\d{1,5})?)?)/giu;
export function mentionsIn(text: string, max = 64): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(MENTION)) {
    if (m[1] !== undefined) out.push(m[1]);
    if (out.length >= max) break;
  }
  return out;
}
