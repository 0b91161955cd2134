// What the adversary has switched on for one instance, read by the public server on every request
// (account rewrites, post behaviour, network behaviour) and the log of what that server received.
// Set through the admin API (adversary.ts); types shared with the typed client.

/** What this instance claims about one account, on top of the stored row. Omitted keys: the truth. */
export interface AccountPatch {
  uri?: string;
  url?: string;
  acct?: string;
  username?: string;
  /** Served verbatim as `fields` (values are HTML); `[]` shows none. */
  fields?: { name: string; value: string; verified_at?: string | null }[];
}

export type PostBehaviour =
  | { mode: 'normal' }
  /** 200 with a plausible Status entity (fresh id), nothing stored, nothing delivered. */
  | { mode: 'fake-success' }
  /**
   * Stored and delivered as rewritten: `visibility` instead of the requested one, `mentionAccountId`
   * added to the mentions (so it is delivered there too), or every mention dropped (`dropMentions`:
   * nobody mentioned receives it). The answer shows what was stored, unless `answer: 'requested'`
   * (then it shows the requested visibility and mentions, hiding the rewrite).
   */
  | {
      mode: 'rewrite';
      visibility?: Visibility;
      mentionAccountId?: string;
      dropMentions?: boolean;
      answer: 'stored' | 'requested';
    };

type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

export type NetworkBehaviour =
  | 'normal'
  /** 503 with Mastodon's JSON error body, at once. */
  | 'down'
  /** The request is read and never answered (until the instance stops). */
  | 'hang'
  /** The connection is destroyed without an answer (fetch rejects: a network error). */
  | 'reset'
  | { delayMs: number }
  /**
   * 429 as Rack::Attack answers in Mastodon: `{"error":"Too many requests"}`, X-RateLimit-* headers,
   * no Retry-After (Mastodon sends none). The window ends `resetInSeconds` after the rule is set
   * (X-RateLimit-Reset names that time); after it, requests are answered as usual again.
   */
  | { rateLimited: true; resetInSeconds: number }
  /** The real answer preceded by `hugeBytes` bytes of JSON padding, streamed; Content-Length only if `contentLength`. */
  | { hugeBytes: number; contentLength?: boolean }
  /** The real answer's headers (full Content-Length), then only its first `truncateAt` bytes, then the connection is closed. */
  | { truncateAt: number }
  /**
   * A forged answer: this status and JSON body (any shape, served as given), with Mastodon's CORS
   * headers and `headers` added (e.g. a `link`). What a lying instance answers instead of the truth.
   */
  | { respond: { status: number; body: unknown; headers?: Record<string, string> } };

export interface NetworkRule {
  pathPrefix: string;
  behaviour: Exclude<NetworkBehaviour, 'normal'>;
  /** Epoch ms when the rule was set (a rate limit's window counts from it). */
  since: number;
}

/** While a rate-limit rule's window lasts: when it ends (epoch ms); null for other rules or once it passed. */
export function rateLimitEnd(rule: NetworkRule | undefined, now = Date.now()): number | null {
  const b = rule?.behaviour;
  if (rule === undefined || typeof b !== 'object' || !('rateLimited' in b)) return null;
  const end = rule.since + b.resetInSeconds * 1000;
  return now < end ? end : null;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** The raw query string without '?', '' when none. */
  query: string;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  /** A token in Authorization: Bearer, ?access_token= or Sec-WebSocket-Protocol. */
  hasToken: boolean;
  /** Local username the token belongs to, or null (no token, or not a valid one). */
  account: string | null;
  /** True for a WebSocket upgrade. */
  websocket: boolean;
  /** The Origin header (a page's or an extension's origin), or null. */
  origin: string | null;
}

export const REQUEST_LOG_LIMIT = 20_000;

export interface AdversaryState {
  /** account id -> patch */
  accountRewrites: Map<string, AccountPatch>;
  post: PostBehaviour;
  network: NetworkRule[];
  requestLog: RequestLogEntry[];
}

export function newAdversaryState(): AdversaryState {
  return { accountRewrites: new Map(), post: { mode: 'normal' }, network: [], requestLog: [] };
}

/** The rule of the longest matching prefix, if any. */
export function networkRuleFor(state: AdversaryState, path: string): NetworkRule | undefined {
  let best: NetworkRule | undefined;
  for (const r of state.network) {
    if (path.startsWith(r.pathPrefix) && (best === undefined || r.pathPrefix.length > best.pathPrefix.length)) best = r;
  }
  return best;
}

export function logRequest(state: AdversaryState, e: RequestLogEntry): void {
  state.requestLog.push(e);
  if (state.requestLog.length > REQUEST_LOG_LIMIT)
    state.requestLog.splice(0, state.requestLog.length - REQUEST_LOG_LIMIT);
}
