/**
 * The storage the key store needs, as an interface: browser.storage.local in the extension, a Map in
 * unit tests (which can also simulate a full quota). Every write the key store makes is ONE `set` of
 * whole records, which both browsers apply atomically: a failed write leaves the old state.
 */
export interface KeyValueArea {
  get(keys: readonly string[]): Promise<Record<string, unknown>>;
  /** All entries (used by migrations and listings). */
  getAll(): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: readonly string[]): Promise<void>;
}

/** In-memory area for tests and for storage.session stand-ins. `quotaBytes` simulates QUOTA_BYTES errors. */
export class MemoryArea implements KeyValueArea {
  readonly data = new Map<string, string>();
  quotaBytes = Infinity;
  writes = 0;

  get(keys: readonly string[]): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const v = this.data.get(k);
      if (v !== undefined) out[k] = JSON.parse(v) as unknown;
    }
    return Promise.resolve(out);
  }

  getAll(): Promise<Record<string, unknown>> {
    return this.get([...this.data.keys()]);
  }

  set(items: Record<string, unknown>): Promise<void> {
    // Like the browsers: values are serialised (structured/JSON), and an over-quota write changes nothing.
    const next = new Map(this.data);
    for (const [k, v] of Object.entries(items)) next.set(k, JSON.stringify(v));
    let size = 0;
    for (const [k, v] of next) size += k.length + v.length;
    if (size > this.quotaBytes) return Promise.reject(new Error('QUOTA_BYTES quota exceeded'));
    this.data.clear();
    for (const [k, v] of next) this.data.set(k, v);
    this.writes++;
    return Promise.resolve();
  }

  remove(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.data.delete(k);
    return Promise.resolve();
  }
}

/** Serialises read-modify-write sections so two handlers never interleave their updates of one record. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
