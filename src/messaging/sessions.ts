/**
 * Who may create a session and who may only join one: the one table of overlay sessions (the
 * rule Mailvelope keeps for its controllers). A session of each kind is CREATED by one surface
 * (the content script of a tab, which inserts the frame) and JOINED by another (the secure frame of
 * that kind, at its one path), which claims the one-time offer the creator handed it. After that
 * each side may send only the messages of its own role. The request tables
 * (overlay-messages.ts) take their allowed senders from here, and the background's router checks
 * every session message against this table (kind of sender and, for a frame, its path) before a
 * handler runs, so a surface that may only join can never create, nor a creator join.
 *
 * Storage: a session's id names its state record under `prefix` (storage.session, written by
 * the background's overlay: editor draft and publish progress, or the view's status), and its
 * frame binding under `frame:` (frame-sessions.ts: tab, kind, bound frameId). Both are tab-scoped
 * and swept when the tab closes.
 */
import type { SenderKind } from './messages';

export interface SessionKindSpec {
  /** The surface that creates sessions of this kind, and the request that creates them. */
  readonly creator: SenderKind;
  readonly create: string;
  /** Other requests only the creator may send about its sessions. */
  readonly creatorUses: readonly string[];
  /** The surface that joins (claims an offer for) a session, the one extension path it must send from, and the join request. */
  readonly joiner: SenderKind;
  readonly joinerPath: string;
  readonly join: string;
  /** Requests only the bound joiner may send about its session. */
  readonly joinerUses: readonly string[];
  /** storage.session prefix of the session's state record (the frame binding is `frame:`). */
  readonly prefix: string;
}

export const SESSION_KINDS = {
  editor: {
    creator: 'content',
    create: 'overlay/editor-open',
    creatorUses: ['frame/reoffer', 'overlay/editor-detach'],
    joiner: 'frame',
    joinerPath: '/frames/editor.html',
    join: 'overlay/editor-join',
    joinerUses: [
      'overlay/editor-draft',
      'overlay/editor-send',
      'overlay/editor-discard',
      'overlay/editor-invite',
      'overlay/mention-search',
    ],
    prefix: 'editor:',
  },
  view: {
    creator: 'content',
    create: 'overlay/views-open',
    creatorUses: ['frame/reoffer'],
    joiner: 'frame',
    joinerPath: '/frames/view.html',
    join: 'overlay/view-join',
    joinerUses: ['overlay/view-get', 'overlay/view-activate'],
    prefix: 'view:',
  },
} as const satisfies Record<string, SessionKindSpec>;

export type SessionKind = keyof typeof SESSION_KINDS;

/** storage.session prefix of every session's frame binding (frame-sessions.ts). */
export const FRAME_BINDING_PREFIX = 'frame:';

/** Every storage.session prefix of a tab's session records, swept when the tab closes. */
export const SESSION_PREFIXES = [
  FRAME_BINDING_PREFIX,
  ...Object.values(SESSION_KINDS).map((k: SessionKindSpec) => k.prefix),
] as const;

type Role = 'creator' | 'joiner';

/** The roles that may send `type` (empty: not a session message). */
export function sessionRoles(type: string): { readonly kind: SessionKind; readonly role: Role }[] {
  const out: { kind: SessionKind; role: Role }[] = [];
  for (const [kind, spec] of Object.entries(SESSION_KINDS) as [SessionKind, SessionKindSpec][]) {
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
  const allowed = roles.some(({ kind, role }) => {
    const spec: SessionKindSpec = SESSION_KINDS[kind];
    return role === 'creator'
      ? sender.kind === spec.creator
      : sender.kind === spec.joiner && sender.path === spec.joinerPath;
  });
  if (allowed) return null;
  const who = roles.map(({ kind, role }) => `the ${role} of ${kind} sessions`).join(' or ');
  return `"${type}" may be sent only by ${who}`;
}

/** The sender kinds the request table allows for a session message: from this table, never typed twice. */
export function sessionSenders(type: string): readonly SenderKind[] {
  const kinds = new Set<SenderKind>();
  for (const { kind, role } of sessionRoles(type)) {
    const spec: SessionKindSpec = SESSION_KINDS[kind];
    kinds.add(role === 'creator' ? spec.creator : spec.joiner);
  }
  return [...kinds];
}
