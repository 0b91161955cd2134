/**
 * Who may create a session and who may only join one: the one table of overlay sessions (the rule
 * Mailvelope keeps for its controllers: a main port creates a controller, a secondary port may
 * only attach to one that exists). Two tables, read together:
 *
 * - SURFACES: each part of Hush that sends runtime messages, and how the background recognises it
 *   from browser-stamped sender fields only (the sender kind of background/senders.ts and, for
 *   extension documents, the URL path).
 * - SESSION_KINDS: per kind of session, the one surface that CREATES it (and the request that
 *   does), the one surface that may only JOIN it (claiming the one-time offer the creator handed
 *   it), and the requests each side may send about the session afterwards. A surface named in
 *   neither column of a kind (the popup, the options page, the inbox, any other frame) may
 *   neither create nor join it.
 *
 *            | editor session          | view session
 *  ----------+-------------------------+-------------------------
 *  content   | creates (editor-open)   | creates (views-open)
 *  editor    | joins (editor-join)     | -
 *  view      | -                       | joins (view-join)
 *  popup, options, inbox: -
 *
 * The request tables (overlay-messages.ts) take the allowed senders of every session message from
 * here (`withSessionSenders`), the background's router checks every session message against this
 * table before a handler runs, and the one session store (background/sessions.ts) checks it again
 * on every create, join and use. A session id names exactly one record, `session:<id>` in
 * storage.session (its kind, tab, bound frame and state), swept when its tab closes.
 */
import type { SenderKind } from './messages';

/** Every surface and how it is recognised: a sender kind and, for extension documents, the one path it is served from. */
export const SURFACES = {
  /** The content script in the top frame of a granted Mastodon tab. */
  content: { kind: 'content', path: null },
  'editor-frame': { kind: 'frame', path: '/frames/editor.html' },
  'view-frame': { kind: 'frame', path: '/frames/view.html' },
  popup: { kind: 'extension-page', path: '/popup.html' },
  options: { kind: 'extension-page', path: '/options.html' },
  inbox: { kind: 'extension-page', path: '/inbox.html' },
} as const satisfies Record<string, { kind: SenderKind; path: string | null }>;

export type Surface = keyof typeof SURFACES;

/** The surface a sender is (from its browser-stamped kind and path), or null: no surface Hush knows. */
export function surfaceOf(sender: { readonly kind: SenderKind; readonly path: string }): Surface | null {
  for (const [name, s] of Object.entries(SURFACES) as [Surface, (typeof SURFACES)[Surface]][])
    if (s.kind === sender.kind && (s.path === null || s.path === sender.path)) return name;
  return null;
}

export interface SessionKindSpec {
  /** The one surface that creates sessions of this kind, and the request that creates them. */
  readonly createdBy: Surface;
  readonly create: string;
  /** Other requests only the creator may send about its sessions (same tab). */
  readonly creatorUses: readonly string[];
  /** The one surface that may only join a session of this kind (claims an offer), and the join request. */
  readonly joinedBy: Surface;
  readonly join: string;
  /** Requests only the joined frame may send about its session (the frame bound at the join). */
  readonly joinerUses: readonly string[];
}

export const SESSION_KINDS = {
  editor: {
    createdBy: 'content',
    create: 'overlay/editor-open',
    creatorUses: ['frame/reoffer', 'overlay/editor-detach'],
    joinedBy: 'editor-frame',
    join: 'overlay/editor-join',
    joinerUses: [
      'overlay/editor-draft',
      'overlay/editor-send',
      'overlay/editor-discard',
      'overlay/editor-invite',
      'overlay/mention-search',
    ],
  },
  view: {
    createdBy: 'content',
    create: 'overlay/views-open',
    creatorUses: ['frame/reoffer'],
    joinedBy: 'view-frame',
    join: 'overlay/view-join',
    joinerUses: ['overlay/view-get', 'overlay/view-activate'],
  },
} as const satisfies Record<string, SessionKindSpec>;

export type SessionKind = keyof typeof SESSION_KINDS;
export const SESSION_KIND_NAMES = Object.keys(SESSION_KINDS) as SessionKind[];

/** storage.session prefix of every session's one record (background/sessions.ts), swept when its tab closes. */
export const SESSION_PREFIX = 'session:';

/** May this surface create sessions of this kind? */
export const mayCreate = (surface: Surface | null, kind: SessionKind): boolean =>
  surface !== null && SESSION_KINDS[kind].createdBy === surface;

/** May this surface join (and then use, once bound) sessions of this kind? */
export const mayJoin = (surface: Surface | null, kind: SessionKind): boolean =>
  surface !== null && SESSION_KINDS[kind].joinedBy === surface;

type Role = 'creator' | 'joiner';

/** The roles that may send `type` (empty: not a session message). */
export function sessionRoles(type: string): { readonly kind: SessionKind; readonly role: Role }[] {
  const out: { kind: SessionKind; role: Role }[] = [];
  for (const kind of SESSION_KIND_NAMES) {
    const spec: SessionKindSpec = SESSION_KINDS[kind];
    if (type === spec.create || spec.creatorUses.includes(type)) out.push({ kind, role: 'creator' });
    if (type === spec.join || spec.joinerUses.includes(type)) out.push({ kind, role: 'joiner' });
  }
  return out;
}

/**
 * Null when this sender may send `type` under the session table (or `type` is not a session
 * message); otherwise why not. `path`: the sender's URL path (a frame's tells its kind apart).
 */
export function sessionSenderProblem(type: string, sender: { kind: SenderKind; path: string }): string | null {
  const roles = sessionRoles(type);
  if (roles.length === 0) return null;
  const surface = surfaceOf(sender);
  const allowed = roles.some(({ kind, role }) => (role === 'creator' ? mayCreate : mayJoin)(surface, kind));
  if (allowed) return null;
  const who = roles.map(({ kind, role }) => `the ${role} of ${kind} sessions`).join(' or ');
  return `"${type}" may be sent only by ${who}`;
}

/**
 * A request table's session messages with their allowed sender kinds filled in from this table,
 * so that who may send them is written once. A session message missing from the table would be
 * allowed to nobody: that is a programming error, thrown when the tables load.
 */
export function withSessionSenders<T extends Record<string, { readonly payload: unknown }>>(
  requests: T,
): { readonly [K in keyof T]: T[K] & { readonly from: readonly SenderKind[] } } {
  const out: Record<string, unknown> = {};
  for (const [type, spec] of Object.entries(requests)) {
    const roles = sessionRoles(type);
    if (roles.length === 0) throw new Error(`"${type}" is not in the session table (messaging/sessions.ts)`);
    const from = [
      ...new Set(
        roles.map(
          ({ kind, role }) =>
            SURFACES[role === 'creator' ? SESSION_KINDS[kind].createdBy : SESSION_KINDS[kind].joinedBy].kind,
        ),
      ),
    ];
    out[type] = { ...spec, from };
  }
  return out as { readonly [K in keyof T]: T[K] & { readonly from: readonly SenderKind[] } };
}
