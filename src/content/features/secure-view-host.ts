/**
 * secure-view: every Hush status on screen gets its ciphertext hidden (a class and a CSS rule;
 * React's nodes are never removed) and an extension-origin view frame inserted after it.
 *
 * What this script learns, and so what the page can learn from it, is public by construction
 * (issue #15, invariant 5): the background answers each status with a frame session, a one-time
 * offer and a size class computed from the ciphertext alone. The frame's height is a function of
 * that class, the page's font size and line height and the host's width only (it follows the
 * width when the column resizes); nothing on or around the host depends on whether
 * the message decrypted, who sent it or what it says. Long text scrolls inside the frame.
 */
import { send } from '../../messaging/client';
import type { FrameStyle, SizeClass, ViewOpenRequest } from '../../messaging/overlay-messages';
import { acctFromHref, type FoundStatus, type MastodonAdapter } from '../adapters/adapter';
import { pendingFrame, sleep, styleOf, type PendingFrame } from '../dom';
import { t } from '../../messaging/i18n';
import { selectors } from '../mastodon/selectors';
import { hushClass, hushSelectors } from '../hush-nodes';
import { Limiter } from '../limiter';
import { SlicedQueue } from '../sliced-queue';
import { viewHeight } from '../view-size';

const HOST_CLASS = hushClass.viewHost;
const HIDDEN_CLASS = hushClass.ciphertext;
/** Statuses per views-open request, and requests in flight at once. */
const BATCH = 32;
const FIRST_BATCH = 8;
const IN_FLIGHT = 2;
const OPEN_SLOT_MS = 15_000;

export interface ViewHostOptions {
  readonly adapter: MastodonAdapter;
  readonly marker: string;
}

interface Pending {
  readonly host: HTMLElement;
  readonly found: FoundStatus;
}

export class SecureViews {
  /** Mounted views by session, to act on the background's pushes (open the status). */
  private readonly sessions = new Map<string, { host: HTMLElement; found: FoundStatus }>();
  private readonly started = new WeakSet<HTMLElement>();
  private queue: Pending[] = [];
  private flushing = false;
  private disposed = false;
  /** The hosts this instance inserted, with the content element each hides (for `dispose`). */
  private readonly hosts = new Map<HTMLElement, HTMLElement>();
  /** Mastodon's wrappers whose screen-reader label this instance rewrote: the label it found and the one it set (for `dispose`). */
  private readonly relabelled = new Map<HTMLElement, { readonly original: string; readonly ours: string }>();
  /** Style reads and frame mounts run in slices, so 200 statuses never make one long task. */
  private readonly work = new SlicedQueue();
  private readonly limiter = new Limiter(IN_FLIGHT);
  /** What each view frame's height is computed from (public facts only), to follow the host's width. */
  private readonly sized = new WeakMap<HTMLIFrameElement, { size: SizeClass; style: FrameStyle; focused: boolean }>();
  private readonly resizes = new ResizeObserver((entries) => {
    for (const e of entries) {
      const host = e.target as HTMLElement;
      const frame = host.querySelector<HTMLIFrameElement>(hushSelectors.viewFrame);
      const facts = frame === null ? undefined : this.sized.get(frame);
      // A host that left the page (its size became 0) is let go.
      if (!host.isConnected || frame === null || facts === undefined) {
        this.resizes.unobserve(host);
        continue;
      }
      const h = `${viewHeight(facts.size, facts.style, host.clientWidth, facts.focused)}px`;
      if (frame.style.height !== h) frame.style.height = h;
    }
  });

  constructor(private readonly opts: ViewHostOptions) {}

  /** Handles every Hush status under `root` not handled yet, and drops views whose status changed. */
  scan(root: ParentNode): void {
    if (this.disposed) return;
    const current = new Set<Element>();
    for (const found of this.opts.adapter.statuses(root, this.opts.marker)) {
      this.relabel(found.container);
      const next = found.content.nextElementSibling;
      // A DM-column entry shows its conversation's last status: a new one with the same text (an old
      // message the server re-delivers) has another date, and must be shown and checked anew.
      const version = textVersion(
        found.context === 'conversation'
          ? `${found.text}\u0000${found.container.querySelector(selectors.statusTime)?.getAttribute('datetime') ?? ''}`
          : found.text,
      );
      if (
        next instanceof HTMLElement &&
        next.classList.contains(HOST_CLASS) &&
        next.dataset.hushFor === found.statusId &&
        next.dataset.hushText === version
      ) {
        found.content.classList.add(HIDDEN_CLASS); // React may have rewritten the class list
        if (this.hosts.has(next)) this.hosts.set(next, found.content);
        this.enqueue(next, found);
        current.add(next);
        continue;
      }
      // A view of another status on a reused node, or of this status before it was edited.
      if (next?.classList.contains(HOST_CLASS)) next.remove();
      current.add(this.show(found, version));
    }
    // A status edited into plain text is no Hush status any more: its old view must go with it.
    const scope =
      root instanceof Element || root instanceof Document || root instanceof DocumentFragment ? root : document;
    for (const host of scope.querySelectorAll<HTMLElement>(hushSelectors.viewHost)) {
      if (current.has(host)) continue;
      const content = host.previousElementSibling;
      if (content instanceof HTMLElement && (content.textContent ?? '').includes(this.opts.marker)) continue;
      content?.classList.remove(HIDDEN_CLASS);
      host.remove();
    }
    // Views whose host left the page (a virtualised list drops its nodes as it scrolls): keeping
    // them would keep Mastodon's detached status nodes alive for the life of the tab.
    for (const [session, v] of this.sessions) if (!v.host.isConnected) this.sessions.delete(session);
    for (const host of this.hosts.keys()) if (!host.isConnected) this.hosts.delete(host);
    for (const el of this.relabelled.keys()) if (!el.isConnected) this.relabelled.delete(el);
  }

  /**
   * Mastodon puts the status text into the wrapper's aria-label for screen readers: hundreds of
   * CJK characters read out one by one. Each ciphertext is replaced by the view's name there (the
   * frame itself is announced with its title). Not secret: only what the page already has changes.
   * The label found is kept, so that `dispose` gives it back.
   */
  private relabel(container: HTMLElement): void {
    const marker = this.opts.marker;
    const labelled = container.hasAttribute('aria-label') ? container : container.closest(selectors.labelledWrapper);
    const label = labelled?.getAttribute('aria-label');
    if (!(labelled instanceof HTMLElement) || label === undefined || label === null || !label.includes(marker)) return;
    const escaped = marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const ours = label.replace(new RegExp(escaped + CIPHERTEXT_RUN, 'gu'), t('viewFrameTitle'));
    labelled.setAttribute('aria-label', ours);
    this.relabelled.set(labelled, { original: label, ours });
  }

  /**
   * Takes back everything this instance added (content/root.ts teardown): its hosts and frames,
   * the class hiding each ciphertext, the screen-reader labels it rewrote, the resize observer and
   * the queued work. Replies that
   * arrive later find no host to fill.
   */
  dispose(): void {
    this.disposed = true;
    this.resizes.disconnect();
    this.work.dispose();
    this.queue = [];
    for (const [host, content] of this.hosts) {
      host.remove();
      content.classList.remove(HIDDEN_CLASS);
    }
    this.hosts.clear();
    // A label Mastodon has rewritten since (another status on a reused node) is Mastodon's: left alone.
    for (const [el, { original, ours }] of this.relabelled)
      if (el.getAttribute('aria-label') === ours) el.setAttribute('aria-label', original);
    this.relabelled.clear();
    this.sessions.clear();
  }

  /**
   * The user clicked a view's text (inside the frame, reported by the background): do what a
   * click on the status does in Mastodon (open the thread, or the conversation in the DM column).
   */
  activate(session: string): void {
    const v = this.sessions.get(session);
    if (v === undefined || !v.host.isConnected) return;
    openStatus(v.found);
  }

  private show(found: FoundStatus, version: string): HTMLElement {
    const host = document.createElement('div');
    host.className = HOST_CLASS;
    host.dataset.hushFor = found.statusId;
    host.dataset.hushText = version;
    found.content.after(host);
    found.content.classList.add(HIDDEN_CLASS);
    this.hosts.set(host, found.content);
    this.enqueue(host, found);
    return host;
  }

  private enqueue(host: HTMLElement, found: FoundStatus): void {
    if (this.started.has(host)) return;
    this.started.add(host);
    this.queue.push({ host, found });
    if (!this.flushing) {
      this.flushing = true;
      // One request for the statuses found in this turn (a screen of them arrives at once).
      setTimeout(() => this.flush(), 0);
    }
  }

  private flush(): void {
    this.flushing = false;
    if (this.disposed) return;
    // DOM order is screen order: the visible statuses go first.
    const batch = this.queue.filter((p) => p.host.isConnected);
    // Gone before its turn (a virtualised list): if the node comes back, the next scan starts it.
    for (const p of this.queue) if (!p.host.isConnected) this.started.delete(p.host);
    this.queue = [];
    // The first request small, so the first screen's frames start loading sooner.
    for (let i = 0; i < batch.length;) {
      const n = i === 0 ? FIRST_BATCH : BATCH;
      const chunk = batch.slice(i, i + n);
      i += n;
      void this.limiter.run(() => Promise.race([this.open(chunk), sleep(OPEN_SLOT_MS)]));
    }
  }

  private async open(chunk: readonly Pending[]): Promise<void> {
    const live = chunk.filter((p) => p.host.isConnected);
    if (live.length === 0) return;
    const items: ViewOpenRequest[] = [];
    const styles: FrameStyle[] = [];
    await new Promise<void>((resolve) => {
      this.work.push(() => {
        for (const p of live) {
          const style = styleOf(p.found.content, p.found.content.querySelector(selectors.contentLink));
          styles.push(style);
          items.push(requestOf(p.found, style));
        }
        resolve();
      });
    });
    // The frames go in now, so their documents load while the background opens the sessions
    // (a view frame takes longer to load than the sessions to open); each gets its offer in bind.
    const frames = live.map((p, i) => this.frameFor(p, styles[i] as FrameStyle));
    const reply = await send('overlay/views-open', { items });
    if (this.disposed) return;
    if (!reply.ok) {
      // The frames still queued must not go in over the notes (a frame that never gets a session
      // would end as "could not connect" on a genuine message).
      for (const f of frames) f.cancel();
      for (const p of live) this.note(p.host, t('viewUnavailable'));
      return;
    }
    reply.value.views.forEach((v, i) => {
      const p = live[i];
      const style = styles[i];
      const pending = frames[i];
      if (p === undefined || style === undefined || pending === undefined) return;
      if ('error' in v) {
        pending.cancel();
        // Not a Hush status after all (a look-alike text): give the page its content back.
        p.found.content.classList.remove(HIDDEN_CLASS);
        p.host.remove();
        return;
      }
      if (v.role === 'continuation' && v.part !== null) {
        pending.cancel();
        this.note(p.host, t('viewContinuation', [String(v.part.index + 1), String(v.part.total)]));
        return;
      }
      this.sessions.set(v.session, { host: p.host, found: p.found });
      pending.whenMade((f) => {
        if (f === null || !p.host.isConnected) return;
        const focused = p.found.context === 'detailed';
        this.sized.set(f.frame, { size: v.size, style, focused });
        f.frame.style.height = `${viewHeight(v.size, style, p.host.clientWidth, focused)}px`;
        f.bind(v.session, v.offer);
      });
    });
  }

  /**
   * Inserts the host's view frame in a slice of its own (a frame insertion costs the page a few
   * ms), unbound, at the height of the smallest class until the background says the size.
   * Resolves to null when the host left the page before its turn.
   */
  private frameFor(
    p: Pending,
    style: FrameStyle,
  ): { whenMade(use: (f: PendingFrame | null) => void): void; cancel(): void } {
    let made: PendingFrame | null | undefined;
    let cancelled = false;
    const waiting: ((f: PendingFrame | null) => void)[] = [];
    this.work.push(() => {
      made = null;
      if (p.host.isConnected && !cancelled) {
        const f = pendingFrame('frames/view.html', t('viewFrameTitle'), reofferOf, () =>
          // Used by bench/overlay.ts: the frame document has loaded and holds its offer (the same for every outcome).
          p.host.setAttribute('data-hush-rendered', ''),
        );
        const focused = p.found.context === 'detailed';
        this.sized.set(f.frame, { size: 0, style, focused });
        f.frame.style.height = `${viewHeight(0, style, p.host.clientWidth, focused)}px`;
        f.frame.style.colorScheme = style.dark ? 'dark' : 'light';
        this.resizes.observe(p.host);
        p.host.replaceChildren(f.frame);
        made = f;
      }
      for (const use of waiting.splice(0)) use(made);
    });
    return {
      whenMade: (use) => {
        if (made === undefined) waiting.push(use);
        else use(made);
      },
      /** No session will come (a note, a continuation, not Hush): a frame not yet inserted never is. */
      cancel: () => {
        cancelled = true;
      },
    };
  }

  private note(host: HTMLElement, text: string): void {
    const note = document.createElement('p');
    note.className = 'hush-continuation';
    note.textContent = text;
    host.replaceChildren(note);
  }
}

const reofferOf = async (session: string): Promise<string | null> => {
  const r = await send('frame/reoffer', { session });
  return r.ok ? r.value.offer : null;
};

/** Public facts around a status: its date, and whether a CW, media, a card, a poll or a quote surround the text. */
function requestOf(found: FoundStatus, style: FrameStyle): ViewOpenRequest {
  const c = found.container;
  const time = c.querySelector(selectors.statusTime)?.getAttribute('datetime') ?? null;
  const ms = time === null ? NaN : Date.parse(time);
  const participants =
    found.context === 'conversation'
      ? [...c.querySelectorAll(selectors.conversationNames)]
          .map((a) => acctFromHref(a.getAttribute('href'), location.host))
          .filter((a): a is string => a !== null)
          .slice(0, 16)
      : [];
  return {
    statusId: found.statusId,
    context: found.context === 'conversation' ? 'conversation' : 'status',
    author: found.authorAcct,
    participants,
    mentions: found.mentions.slice(0, 64),
    text: found.text.slice(0, 10_000),
    serverTime: Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : null,
    serverTimeMs: Number.isFinite(ms) && ms > 0 ? Math.floor(ms) : null,
    extras: {
      cw: c.querySelector(selectors.contentWarning) !== null || c.querySelector(selectors.spoilerButton) !== null,
      media: c.querySelector(selectors.media) !== null,
      card: c.querySelector(selectors.card) !== null,
      poll: c.querySelector(selectors.poll) !== null,
      quote: c.matches(selectors.quote) || c.querySelector(selectors.quote) !== null,
    },
    style,
  };
}

/**
 * Mastodon opens a status on a mousedown/mouseup pair on its content (StatusContent: same spot,
 * primary or middle button, a click count); the DM column opens the conversation on a click of the entry. The content is
 * hidden under the view, so the same events are given to it here.
 */
function openStatus(found: FoundStatus): void {
  const target = found.content.closest<HTMLElement>(selectors.contentWrapper) ?? found.content;
  // detail 1: Mastodon ignores a mouseup without a click count (keyboard-made events).
  const init: MouseEventInit = { bubbles: true, cancelable: true, button: 0, clientX: 1, clientY: 1, detail: 1 };
  target.dispatchEvent(new MouseEvent('mousedown', init));
  target.dispatchEvent(new MouseEvent('mouseup', init));
  if (found.context === 'conversation') target.dispatchEvent(new MouseEvent('click', init));
}

/** The ciphertext's code points (protocol text encoding: CJK Ext A, URO, Ext B and the tail byte block). */
const CIPHERTEXT_RUN = '\\s*[\\u3400-\\u4DBF\\u4E00-\\u9FFF\\u{20000}-\\u{2953F}]*';

/**
 * A cheap fingerprint of the status text (FNV-1a), only to notice an edit: the background keys
 * what it shows by a SHA-256 of the text, so a collision here can only cost a missed re-render.
 */
function textVersion(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `${text.length.toString(36)}-${(h >>> 0).toString(36)}`;
}
