// Typed helpers over an instance's admin API, for tests. Every call throws on a non-2xx answer:
// in a test, a refused adversary action is a bug in the test.
import type { AccountPatch, NetworkBehaviour, RequestLogEntry } from './adversary-state.ts';

export type { AccountPatch, NetworkBehaviour, RequestLogEntry };
type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

/** patchStatus: each key given replaces what the instance serves for that status. */
export interface StatusPatch {
  /** Plain text: the source and (unless `content` is given) the rendered HTML. */
  text?: string;
  /** Content HTML, served as is (no sanitizer). */
  content?: string;
  spoilerText?: string;
  /** A status id (its author becomes in_reply_to_account_id) or null (not a reply). */
  inReplyToId?: string | null;
  /** Any date string; served as ISO 8601. */
  createdAt?: string;
  /** Number of placeholder image attachments (0-20). */
  mediaAttachments?: number;
  /** A placeholder link preview card or none. */
  card?: boolean;
  /** A two-option poll or none. */
  poll?: boolean;
  /** Quote this status (Mastodon 4.4+ quote posts), or none. */
  quoteId?: string | null;
  /** Look like an edit to local viewers: edited_at = now and `status.update` on their streams. */
  asEdit?: boolean;
}

export type PostBehaviourOptions =
  | { mode: 'normal' }
  | { mode: 'fake-success' }
  | {
      mode: 'rewrite';
      visibility?: Visibility;
      addMention?: string;
      dropMentions?: boolean;
      answer?: 'stored' | 'requested';
    };
export interface HeldDelivery {
  id: string;
  to: string;
  activity: { type: string; actor: string; object: unknown };
  createdAt: string;
}
export interface AdminState {
  domain: string;
  maxCharacters: number;
  uiVersion: string;
  deliveryMode: 'pass' | 'hold' | 'drop';
  held: HeldDelivery[];
  log: {
    id: string;
    to: string;
    type: string;
    object: string;
    outcome: 'sent' | 'failed' | 'dropped';
    detail: string;
  }[];
  hostileScript: { code: string; position: string } | null;
  streams: number;
  accountRewrites: { acct: string; patch: AccountPatch }[];
  postBehaviour:
    | { mode: 'normal' | 'fake-success' }
    | {
        mode: 'rewrite';
        answer: 'stored' | 'requested';
        visibility: Visibility | null;
        addMention: string | null;
        dropMentions: boolean;
      };
  network: { pathPrefix: string; behaviour: Exclude<NetworkBehaviour, 'normal'> }[];
}
/** A Mastodon Status as the REST API returns it (the fields tests usually read). */
export interface StatusJson {
  id: string;
  uri: string;
  content: string;
  visibility: string;
  account: { id: string; acct: string };
  [k: string]: unknown;
}

export class AdversaryClient {
  constructor(readonly adminOrigin: string) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.adminOrigin}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`admin ${path} -> ${res.status}: ${JSON.stringify(json)}`);
    return json as T;
  }

  state(): Promise<AdminState> {
    return this.call('GET', '/admin/state');
  }

  /** Key substitution: overwrite what this instance caches for a remote account's field (value is HTML). */
  swapRemoteField(acct: string, name: string, value: string): Promise<unknown> {
    return this.call('POST', '/admin/remote-field', { acct, name, value });
  }

  /** A compromised home server changes its own user's field (raw text), with no request from the user. */
  setLocalField(username: string, name: string, value: string): Promise<unknown> {
    return this.call('POST', '/admin/local-field', { username, name, value });
  }

  /** A status "from" a local user that the user never wrote; delivered and federated like a real one. */
  forgeStatus(o: {
    username: string;
    text: string;
    visibility?: 'public' | 'unlisted' | 'private' | 'direct';
    spoilerText?: string;
    inReplyToId?: string;
  }): Promise<StatusJson> {
    return this.call('POST', '/admin/forge-status', o);
  }

  /** Re-delivers an existing status as a new one (new id, same content) to one local user. */
  replayStatus(statusId: string, to: string): Promise<StatusJson> {
    return this.call('POST', '/admin/replay-status', { statusId, to });
  }

  /** Changes a status's text without edited_at or streaming events. */
  editStatusSilently(statusId: string, text: string, html?: string): Promise<unknown> {
    return this.call('POST', '/admin/edit-status', { statusId, text, ...(html === undefined ? {} : { html }) });
  }

  /** pass: send at once; hold: queue outgoing deliveries; drop: discard them. */
  setDeliveryMode(mode: 'pass' | 'hold' | 'drop'): Promise<unknown> {
    return this.call('POST', '/admin/deliveries/mode', { mode });
  }
  heldDeliveries(): Promise<HeldDelivery[]> {
    return this.call('GET', '/admin/deliveries');
  }
  releaseDeliveries(ids?: string[]): Promise<{ count: number }> {
    return this.call('POST', '/admin/deliveries/release', ids ? { ids } : {});
  }
  dropDeliveries(ids?: string[]): Promise<{ count: number }> {
    return this.call('POST', '/admin/deliveries/drop', ids ? { ids } : {});
  }
  reorderDeliveries(ids: string[]): Promise<HeldDelivery[]> {
    return this.call('POST', '/admin/deliveries/reorder', { ids });
  }
  /** Resolves when every released delivery from this instance has been answered by its receiver. */
  deliveriesIdle(): Promise<unknown> {
    return this.call('POST', '/admin/deliveries/idle', {});
  }

  /** Serves `code` as /packs/hostile.js with a script tag before and/or after the app script; null removes it. */
  setHostileScript(code: string | null, position: 'before' | 'after' | 'both' = 'before'): Promise<unknown> {
    return this.call('POST', '/admin/hostile-script', { code, position });
  }

  /**
   * This instance claims other things about an account (`alice` or `bob@b.test`, fetched if needed)
   * in lookup, accounts/:id, search, statuses' `account` and `mentions`, and the web page: any of
   * uri, url, acct, username, fields (served verbatim, HTML values). null restores the truth.
   */
  rewriteAccount(acct: string, patch: AccountPatch | null): Promise<{ id: string }> {
    return this.call('POST', '/admin/rewrite-account', { acct, patch });
  }

  /** Changes what the instance serves for a status (see StatusPatch); answers the patched Status. */
  patchStatus(statusId: string, patch: StatusPatch): Promise<StatusJson> {
    return this.call('POST', '/admin/patch-status', { statusId, ...patch });
  }

  /** Silently gives `statusId` the text (source and HTML) of `fromStatusId`; no edited_at, no event. */
  swapStatusText(statusId: string, fromStatusId: string): Promise<unknown> {
    return this.call('POST', '/admin/swap-status-text', { statusId, fromStatusId });
  }

  /**
   * How POST /api/v1/statuses behaves: 'normal'; 'fake-success' (200 with a plausible Status,
   * nothing stored or delivered); 'rewrite' (stored and delivered with `visibility`, `addMention`
   * added, or every mention dropped; the answer shows what was stored, or with answer 'requested'
   * what the client asked for).
   */
  setPostBehaviour(b: PostBehaviourOptions): Promise<unknown> {
    return this.call('POST', '/admin/post-behaviour', b);
  }

  /**
   * Faults for every request on the public port whose path starts with `pathPrefix` (the longest
   * matching prefix wins): 'down' (503), 'hang' (never answered), 'reset' (connection dropped),
   * {delayMs}, {rateLimited: true, resetInSeconds} (429 with X-RateLimit-Reset), {hugeBytes, contentLength?} (the real answer after that many bytes of whitespace),
   * {truncateAt} (the real answer's headers, then only its first bytes, then the connection closed),
   * {respond: {status, body, headers?}} (a forged answer: that JSON body and headers instead of the real one);
   * 'normal' removes the rule. E.g. setNetworkBehaviour('/api/v1/accounts/lookup', {delayMs: 3000}).
   */
  setNetworkBehaviour(pathPrefix: string, behaviour: NetworkBehaviour): Promise<unknown> {
    return this.call('POST', '/admin/network', { pathPrefix, behaviour });
  }

  /** Every request the public port received since the start or the last clear (oldest first, max 20 000). */
  requestLog(): Promise<RequestLogEntry[]> {
    return this.call('GET', '/admin/requests');
  }
  clearRequestLog(): Promise<unknown> {
    return this.call('POST', '/admin/requests/clear', {});
  }

  setMaxCharacters(value: number): Promise<unknown> {
    return this.call('POST', '/admin/max-characters', { value });
  }
  /** The user's "advanced web interface" preference (meta.advanced_layout): the multi-column layout on /deck/... */
  setAdvancedLayout(username: string, enabled: boolean): Promise<unknown> {
    return this.call('POST', '/admin/advanced-layout', { username, enabled });
  }
  /** The user's appearance preferences (4.6+ `html[data-color-scheme][data-contrast]`): auto follows the system. */
  setAppearance(
    username: string,
    colorScheme: 'auto' | 'light' | 'dark',
    contrast: 'auto' | 'high' = 'auto',
  ): Promise<unknown> {
    return this.call('POST', '/admin/appearance', { username, colorScheme, contrast });
  }
  setUiVersion(version: string): Promise<unknown> {
    return this.call('POST', '/admin/ui-version', { version });
  }
  /**
   * Back to honest: deliveries pass (held ones dropped), no hostile script, default limit, no
   * account rewrites, normal posting, no network faults. The request log is kept (clearRequestLog).
   */
  reset(): Promise<unknown> {
    return this.call('POST', '/admin/reset', {});
  }
}
