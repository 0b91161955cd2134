import type { AccountInfo, PageInfo, UiGeneration } from '../../messaging/messages';
import { selectors } from './selectors';

export type DetectResult =
  { ok: true; page: PageInfo } | { ok: false; reason: 'no_app_holder' | 'no_initial_state' | 'bad_initial_state' };

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown, max = 2048): string | null =>
  typeof x === 'string' && x.length > 0 && x.length <= max ? x : null;

/**
 * The UI generation from meta.version: 4.5+ moved the visibility control to a modal, 4.3-4.4
 * use the dropdown (mastodon-ui.md §2.2, §2.4). Forks append suffixes ("4.3.1+glitch"), which we ignore.
 * Unknown or newer versions get the newest adapter: the markup changes slowly.
 */
export function generationOf(version: string): UiGeneration {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return '4.5';
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major === 4 && minor <= 4 ? '4.3' : '4.5';
}

function accountFrom(state: Record<string, unknown>, me: string | null): AccountInfo | null {
  if (me === null || !isRecord(state.accounts)) return null;
  const acc = state.accounts[me];
  if (!isRecord(acc)) return null;
  const acct = str(acc.acct, 300);
  if (acct === null) return null;
  return { id: me, acct, url: str(acc.url), uri: str(acc.uri) };
}

/** The raw page markers, read from the DOM by `readMarkers` (kept apart so the logic is testable in Node). */
export interface PageMarkers {
  /** data-props of #mastodon.app-holder, or null when there is no mount node. */
  readonly holderProps: string | null;
  /** Text of script#initial-state, or null when absent. */
  readonly initialState: string | null;
}

export function readMarkers(doc: Document): PageMarkers {
  return {
    holderProps: doc.querySelector(selectors.appHolder)?.getAttribute('data-props') ?? null,
    initialState: doc.querySelector(selectors.initialState)?.textContent ?? null,
  };
}

/**
 * Recognises the Mastodon web UI on any domain by both markers of §1.4: the mount node and
 * the initial-state JSON (admin, embed and share pages have one but not both). Reads the
 * page; never trusts it beyond shape: the result is validated again by the background.
 */
export function detectMastodon({ holderProps, initialState }: PageMarkers): DetectResult {
  if (holderProps === null) return { ok: false, reason: 'no_app_holder' };
  if (initialState === null) return { ok: false, reason: 'no_initial_state' };
  // Bound the work a hostile page can make us do before parsing.
  if (holderProps.length > 4096 || initialState.length > 5_000_000) return { ok: false, reason: 'bad_initial_state' };
  let state: unknown;
  try {
    state = JSON.parse(initialState);
    const props: unknown = JSON.parse(holderProps);
    if (!isRecord(props) || !('locale' in props)) return { ok: false, reason: 'bad_initial_state' };
  } catch {
    return { ok: false, reason: 'bad_initial_state' };
  }
  if (
    !isRecord(state) ||
    !isRecord(state.meta) ||
    !isRecord(state.compose) ||
    !isRecord(state.accounts) ||
    !Array.isArray(state.languages)
  ) {
    return { ok: false, reason: 'bad_initial_state' };
  }
  const version = str(state.meta.version, 64);
  const domain = str(state.meta.domain, 253);
  if (version === null || domain === null) return { ok: false, reason: 'bad_initial_state' };
  const me = str(state.meta.me, 64);
  return { ok: true, page: { domain, version, generation: generationOf(version), account: accountFrom(state, me) } };
}
