// Reads what the server-rendered shell hands the app: script#initial-state and meta tags.
import { isVisibility, type Visibility } from './model';

export interface InitialState {
  accessToken: string;
  me: string;
  domain: string;
  version: string;
  streamingBase: string;
  defaultPrivacy: Visibility;
  composeText: string;
  csrfToken: string;
  initialPath: string;
  /** meta.advanced_layout: the user chose the multi-column ("advanced") web interface. */
  advancedLayout: boolean;
}

export type BootError = { kind: 'missing-initial-state' } | { kind: 'bad-json' } | { kind: 'not-signed-in' };

function meta(name: string): string {
  return document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';
}

export function readInitialState(): { ok: true; value: InitialState } | { ok: false; error: BootError } {
  const el = document.getElementById('initial-state');
  if (!el?.textContent) return { ok: false, error: { kind: 'missing-initial-state' } };
  let json: unknown;
  try {
    json = JSON.parse(el.textContent);
  } catch {
    return { ok: false, error: { kind: 'bad-json' } };
  }
  if (typeof json !== 'object' || json === null) return { ok: false, error: { kind: 'bad-json' } };
  const root = json as { meta?: Record<string, unknown>; compose?: Record<string, unknown> };
  const m = root.meta ?? {};
  const c = root.compose ?? {};
  const s = (v: unknown): string => (typeof v === 'string' ? v : '');
  if (!s(m.access_token) || !s(m.me)) return { ok: false, error: { kind: 'not-signed-in' } };
  return {
    ok: true,
    value: {
      accessToken: s(m.access_token),
      me: s(m.me),
      domain: s(m.domain),
      version: s(m.version),
      streamingBase: s(m.streaming_api_base_url) || location.origin,
      defaultPrivacy: isVisibility(c.default_privacy) ? c.default_privacy : 'public',
      composeText: s(c.text),
      csrfToken: meta('csrf-token'),
      initialPath: meta('initialPath') || location.pathname,
      advancedLayout: m.advanced_layout === true,
    },
  };
}
