/**
 * Per-tab session records (editor drafts, open views) that must outlive a service-worker
 * restart: Chromium stops an idle worker after about 30 s, and a user who pauses while writing
 * must still be able to post what the editor shows. storage.session is memory-only (never on
 * disk), cleared when the browser closes, and not readable by content scripts (Chromium's
 * default access level; Firefox gives content scripts no storage.session at all), the same
 * place the unlocked vault key lives. A memory map in front keeps reads cheap while awake
 * (a closed tab's memory copies stay until the worker next stops; its storage is swept at once).
 * (No browser import: the area is passed in, so this is unit-tested in Node.)
 */
import { SESSION_KINDS, SESSION_PREFIXES } from '../messaging/sessions';

export interface SessionArea {
  get(keys: string | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

/** Every record kept here names its tab, so closing the tab can sweep it. */
export interface TabScoped {
  readonly tabId: number;
}

export class SessionTable<T extends TabScoped> {
  private readonly mem = new Map<string, T>();
  /** Set once storage has been read in full: from then on every record is in `mem` (all writes go through it). */
  private loaded = false;

  /** `valid` checks what comes back from storage: stored state is input like any other. */
  constructor(
    private readonly prefix: (typeof SESSION_KINDS)[keyof typeof SESSION_KINDS]['prefix'],
    private readonly valid: (v: unknown) => v is T,
    private readonly area: () => SessionArea,
  ) {}

  async get(id: string): Promise<T | null> {
    const m = this.mem.get(id);
    if (m !== undefined) return m;
    const k = this.prefix + id;
    const got = (await this.area().get(k))[k];
    if (!this.valid(got)) return null;
    this.mem.set(id, got);
    return got;
  }

  /** False when storage refused it (quota): the record then lives in memory only, as it did before. */
  async put(id: string, value: T): Promise<boolean> {
    this.mem.set(id, value);
    try {
      await this.area().set({ [this.prefix + id]: value });
      return true;
    } catch {
      return false;
    }
  }

  async delete(id: string): Promise<void> {
    this.mem.delete(id);
    await this.area().remove(this.prefix + id);
  }

  /**
   * Every record, including those written before this worker started. Storage is read in full
   * only once per worker (it can hold megabytes of ciphertext views); later calls use memory.
   */
  async all(): Promise<[string, T][]> {
    if (!this.loaded) {
      const everything = await this.area().get(null);
      for (const [k, v] of Object.entries(everything)) {
        const id = k.slice(this.prefix.length);
        if (k.startsWith(this.prefix) && !this.mem.has(id) && this.valid(v)) this.mem.set(id, v);
      }
      this.loaded = true;
    }
    return [...this.mem];
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Removes every tab-scoped record of `tabId` (frame sessions, drafts, views) once the tab is closed. */
export async function sweepTab(tabId: number, area: SessionArea): Promise<number> {
  const everything = await area.get(null);
  const doomed = Object.entries(everything)
    .filter(([k, v]) => SESSION_PREFIXES.some((p) => k.startsWith(p)) && isRecord(v) && v.tabId === tabId)
    .map(([k]) => k);
  if (doomed.length > 0) await area.remove(doomed);
  return doomed.length;
}
