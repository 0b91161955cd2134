// The page shell of a web-app route, structured as Mastodon's layouts/application +
// shared/_web_app render it: script#initial-state, meta tags, external app script only.
import { randomBytes } from 'node:crypto';
import type { Ctx } from './context.ts';
import { streamingBase } from './context.ts';
import { serializeCredentialAccount, type Account } from './accounts.ts';
import { escapeHtml } from './text.ts';
import type { Visibility } from './statuses.ts';

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** Mastodon's production CSP (config/initializers/content_security_policy.rb), per request nonce. */
export function contentSecurityPolicy(ctx: Ctx, nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' data: blob: ${streamingBase(ctx)}`,
    "frame-src 'self' https:",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "manifest-src 'self'",
    "child-src 'self' blob:",
    "worker-src 'self' blob:",
  ].join('; ');
}

/** "4.4.0" -> [4, 4]; unknown strings count as the newest generation. */
export function versionParts(v: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : [99, 0];
}

function atLeast(v: string, major: number, minor: number): boolean {
  const [a, b] = versionParts(v);
  return a > major || (a === major && b >= minor);
}

const ORDER: Visibility[] = ['public', 'unlisted', 'private', 'direct'];

/** render_initial_state: ?visibility= only if more restrictive than the default; ?title ?text ?url joined. */
function composeFromQuery(query: URLSearchParams, defaultPrivacy: Visibility): { privacy: Visibility; text: string } {
  const asked = query.get('visibility');
  const privacy =
    ORDER.includes(asked as Visibility) && ORDER.indexOf(asked as Visibility) > ORDER.indexOf(defaultPrivacy)
      ? (asked as Visibility)
      : defaultPrivacy;
  const text = ['title', 'text', 'url']
    .map((k) => query.get(k))
    .filter((x): x is string => x !== null && x !== '')
    .join(' ');
  return { privacy, text };
}

// Rails' json_escape: the JSON can never close the script element or open a comment.
function jsonForScript(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The user's colour scheme and contrast (setting_color_scheme, setting_contrast; Mastodon 4.6+). */
export function appearance(ctx: Ctx, account: Account | undefined): { scheme: string; contrast: string } {
  const row =
    account === undefined
      ? undefined
      : ctx.db.get('SELECT color_scheme, contrast FROM user_settings WHERE account_id = ?', [account.id]);
  return { scheme: String(row?.color_scheme ?? 'auto'), contrast: String(row?.contrast ?? 'auto') };
}

/** The user's "advanced web interface" preference (setting_advanced_layout). */
export function advancedLayout(ctx: Ctx, account: Account): boolean {
  return (
    Number(
      ctx.db.get('SELECT advanced_layout FROM user_settings WHERE account_id = ?', [account.id])?.advanced_layout ?? 0,
    ) === 1
  );
}

function initialState(
  ctx: Ctx,
  account: Account | undefined,
  token: string | undefined,
  query: URLSearchParams,
): Record<string, unknown> {
  const v = ctx.settings.uiVersion;
  const meta: Record<string, unknown> = {
    access_token: token ?? null,
    activity_api_enabled: true,
    admin: null,
    domain: ctx.domain,
    limited_federation_mode: false,
    locale: 'en',
    mascot: null,
    profile_directory: true,
    registrations_open: false,
    repository: 'mastodon/mastodon',
    search_enabled: true,
    single_user_mode: false,
    source_url: 'https://github.com/mastodon/mastodon',
    sso_redirect: null,
    status_page_url: null,
    streaming_api_base_url: streamingBase(ctx),
    title: ctx.domain,
    ...(atLeast(v, 4, 5) ? { landing_page: 'trends' } : { trends_as_landing_page: true, timeline_preview: true }),
    trends_enabled: true,
    version: v,
    terms_of_service_enabled: false,
    ...(atLeast(v, 4, 5)
      ? {
          local_live_feed_access: 'public',
          remote_live_feed_access: 'public',
          local_topic_feed_access: 'public',
          remote_topic_feed_access: 'public',
        }
      : {}),
  };
  const state: Record<string, unknown> = {
    meta,
    compose: {},
    accounts: {},
    media_attachments: { accept_content_types: [] },
    settings: {},
    languages: [
      ['en', 'English', 'English'],
      ['de', 'German', 'Deutsch'],
      ['fr', 'French', 'Français'],
    ],
    push_subscription: null,
    role: null,
    ...(atLeast(v, 4, 5) ? { features: [] } : {}),
  };
  if (account === undefined) return state;
  Object.assign(meta, {
    me: account.id,
    boost_modal: false,
    delete_modal: true,
    auto_play_gif: false,
    display_media: 'default',
    expand_spoilers: false,
    reduce_motion: false,
    disable_swiping: false,
    disable_hover_cards: false,
    advanced_layout: advancedLayout(ctx, account),
    use_blurhash: true,
    use_pending_items: false,
    show_trends: true,
    missing_alt_text_modal: true,
    ...(atLeast(v, 4, 5) ? { quick_boosting: false, emoji_style: 'auto' } : {}),
    ...(atLeast(v, 4, 6) ? { wrapstodon: null } : {}),
  });
  const compose = composeFromQuery(query, 'public');
  state.compose = {
    me: account.id,
    default_privacy: compose.privacy,
    default_sensitive: false,
    default_language: 'en',
    text: compose.text,
    ...(atLeast(v, 4, 5) ? { default_quote_policy: 'public' } : {}),
  };
  state.accounts = { [account.id]: serializeCredentialAccount(ctx, account) };
  const settings = ctx.db.get('SELECT data FROM web_settings WHERE account_id = ?', [account.id]);
  try {
    state.settings = settings ? (JSON.parse(String(settings.data)) as unknown) : {};
  } catch {
    state.settings = {};
  }
  state.role = { id: '-99', name: '', permissions: '0', color: '', highlighted: false };
  return state;
}

export function renderShell(
  ctx: Ctx,
  opts: { account?: Account; path: string; query: URLSearchParams; nonce: string; csrf: string },
): string {
  const { account } = opts;
  const state = initialState(ctx, account, account?.token ?? undefined, opts.query);
  const hostile = ctx.settings.hostileScript;
  const hostileTag = '<script src="/packs/hostile.js" crossorigin="anonymous"></script>';
  const v = ctx.settings.uiVersion;
  const look = appearance(ctx, account);
  // As html_attributes: the preference as is; with "auto" also data-system-theme, and the app
  // resolves auto to light or dark from prefers-color-scheme (Mastodon's inline theme-selection.js).
  const htmlAttrs = atLeast(v, 4, 6)
    ? ` data-color-scheme="${escapeHtml(look.scheme)}" data-contrast="${escapeHtml(look.contrast)}"${look.scheme === 'auto' ? ' data-system-theme="true"' : ''}`
    : '';
  return [
    '<!DOCTYPE html>',
    `<html lang="en"${htmlAttrs}>`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta content="width=device-width, initial-scale=1" name="viewport">',
    `<title>${escapeHtml(ctx.domain)}</title>`,
    '<meta content="#191b22" name="theme-color">',
    '<meta content="yes" name="mobile-web-app-capable">',
    '<meta name="csrf-param" content="authenticity_token">',
    ...(account ? [`<meta name="csrf-token" content="${escapeHtml(opts.csrf)}">`] : []),
    `<meta name="style-nonce" content="${escapeHtml(opts.nonce)}">`,
    '<link rel="stylesheet" crossorigin="anonymous" href="/packs/app.css">',
    `<script id="initial-state" type="application/json">${jsonForScript(state)}</script>`,
    ...(hostile && hostile.position !== 'after' ? [hostileTag] : []),
    '<script src="/packs/app.js" type="module" crossorigin="anonymous"></script>',
    ...(hostile && hostile.position !== 'before' ? [hostileTag.replace('hostile.js', 'hostile.js?after')] : []),
    ...(account ? [`<meta name="initialPath" content="${escapeHtml(opts.path)}">`] : []),
    '<meta name="applicationServerKey" content="BHush-test-instance-no-web-push">',
    '</head>',
    '<body class="app-body layout-single-column">',
    '<div class="app-holder notranslate" id="mastodon" data-props="{&quot;locale&quot;:&quot;en&quot;}"><noscript>' +
      '<img alt="Mastodon" src="/avatars/original/missing.png"><div>To use the Mastodon web application, please enable JavaScript.</div>' +
      '</noscript></div>',
    '</body>',
    '</html>',
  ].join('\n');
}
