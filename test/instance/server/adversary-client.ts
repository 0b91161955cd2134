// Typed helpers over an instance's admin API, for tests. Every call throws on a non-2xx answer:
// in a test, a refused adversary action is a bug in the test.
export interface HeldDelivery { id: string; to: string; activity: { type: string; actor: string; object: unknown }; createdAt: string }
export interface AdminState {
  domain: string; maxCharacters: number; uiVersion: string; deliveryMode: 'pass' | 'hold' | 'drop'; held: HeldDelivery[];
  log: { id: string; to: string; type: string; object: string; outcome: 'sent' | 'failed' | 'dropped'; detail: string }[];
  hostileScript: { code: string; position: string } | null; streams: number;
}
/** A Mastodon Status as the REST API returns it (the fields tests usually read). */
export interface StatusJson { id: string; uri: string; content: string; visibility: string; account: { id: string; acct: string }; [k: string]: unknown }

export class AdversaryClient {
  constructor(readonly adminOrigin: string) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.adminOrigin}${path}`, {
      method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`admin ${path} -> ${res.status}: ${JSON.stringify(json)}`);
    return json as T;
  }

  state(): Promise<AdminState> { return this.call('GET', '/admin/state'); }

  /** Key substitution: overwrite what this instance caches for a remote account's field (value is HTML). */
  swapRemoteField(acct: string, name: string, value: string): Promise<unknown> { return this.call('POST', '/admin/remote-field', { acct, name, value }); }

  /** A compromised home server changes its own user's field (raw text), with no request from the user. */
  setLocalField(username: string, name: string, value: string): Promise<unknown> { return this.call('POST', '/admin/local-field', { username, name, value }); }

  /** A status "from" a local user that the user never wrote; delivered and federated like a real one. */
  forgeStatus(o: { username: string; text: string; visibility?: 'public' | 'unlisted' | 'private' | 'direct'; spoilerText?: string; inReplyToId?: string }): Promise<StatusJson> {
    return this.call('POST', '/admin/forge-status', o);
  }

  /** Re-delivers an existing status as a new one (new id, same content) to one local user. */
  replayStatus(statusId: string, to: string): Promise<StatusJson> { return this.call('POST', '/admin/replay-status', { statusId, to }); }

  /** Changes a status's text without edited_at or streaming events. */
  editStatusSilently(statusId: string, text: string, html?: string): Promise<unknown> { return this.call('POST', '/admin/edit-status', { statusId, text, ...(html === undefined ? {} : { html }) }); }

  /** pass: send at once; hold: queue outgoing deliveries; drop: discard them. */
  setDeliveryMode(mode: 'pass' | 'hold' | 'drop'): Promise<unknown> { return this.call('POST', '/admin/deliveries/mode', { mode }); }
  heldDeliveries(): Promise<HeldDelivery[]> { return this.call('GET', '/admin/deliveries'); }
  releaseDeliveries(ids?: string[]): Promise<{ count: number }> { return this.call('POST', '/admin/deliveries/release', ids ? { ids } : {}); }
  dropDeliveries(ids?: string[]): Promise<{ count: number }> { return this.call('POST', '/admin/deliveries/drop', ids ? { ids } : {}); }
  reorderDeliveries(ids: string[]): Promise<HeldDelivery[]> { return this.call('POST', '/admin/deliveries/reorder', { ids }); }
  /** Resolves when every released delivery from this instance has been answered by its receiver. */
  deliveriesIdle(): Promise<unknown> { return this.call('POST', '/admin/deliveries/idle', {}); }

  /** Serves `code` as /packs/hostile.js with a script tag before and/or after the app script; null removes it. */
  setHostileScript(code: string | null, position: 'before' | 'after' | 'both' = 'before'): Promise<unknown> {
    return this.call('POST', '/admin/hostile-script', { code, position });
  }

  setMaxCharacters(value: number): Promise<unknown> { return this.call('POST', '/admin/max-characters', { value }); }
  setUiVersion(version: string): Promise<unknown> { return this.call('POST', '/admin/ui-version', { version }); }
  /** Back to honest: deliveries pass (held ones dropped), no hostile script, default limit. */
  reset(): Promise<unknown> { return this.call('POST', '/admin/reset', {}); }
}
