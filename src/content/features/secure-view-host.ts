/**
 * secure-view: every Hush status on screen gets its ciphertext hidden (a class and a CSS rule;
 * React's nodes are never removed) and an extension-origin view frame inserted after it. The
 * frame asks the background for the plaintext; this script learns only the badge and a coarse
 * height. Keyed by status id, so nodes re-created by virtualised lists are simply handled again.
 */
import { send } from '../../messaging/client';
import type { FrameStyle } from '../../messaging/overlay-messages';
import type { FoundStatus, MastodonAdapter } from '../adapters/adapter';
import { msg, secureFrame, sleep, styleOf } from '../dom';
import { Limiter } from '../limiter';
import { SlicedQueue } from '../sliced-queue';

const HOST_CLASS = 'hush-view';
/** See `loading`: 6 and 8 measured alike for the first screen; 8 left less for the next one. */
const LOADING_AT_ONCE = 8;
const DRAW_WAIT_MS = 4_000;
const LOAD_SLOT_MS = 15_000;
const HIDDEN_CLASS = 'hush-ciphertext';

export interface ViewHostOptions {
  readonly adapter: MastodonAdapter;
  readonly marker: string;
  /** The signed-in account's acct (for DM-column entries, whose author the DOM does not show). */
  readonly me: string | null;
}

export class SecureViews {
  private readonly frames = new Map<string, HTMLIFrameElement>();
  /** Hosts waiting for their turn, and hosts whose view was started: each host starts once. */
  private readonly queued = new WeakSet<HTMLElement>();
  private readonly started = new WeakSet<HTMLElement>();
  /**
   * Starting a view (a style read and a message) and mounting its frame (a few ms of the page's
   * main thread each) are done in slices, so 200 statuses at once never make one long task.
   */
  private readonly work = new SlicedQueue();
  /**
   * At most this many views load at once, from view-open until their frame has drawn: 20 frames
   * loading together made the first ones wait behind the rest (in the extension's process and in
   * the background). Hosts start in DOM order, so the visible statuses go first.
   */
  private readonly loading = new Limiter(LOADING_AT_ONCE);
  /** Resolves the load of a mounted frame when it reports its size (it has drawn). */
  private readonly drawn = new Map<string, () => void>();
  constructor(private readonly opts: ViewHostOptions) {}

  /** Handles every Hush status under `root` not handled yet, and drops views whose status changed. */
  scan(root: ParentNode): void {
    // A frame removed while it loads (its status scrolled out of a virtualised list) gives its
    // place back now rather than after DRAW_WAIT_MS, so fast scrolling does not stall the queue.
    for (const [session, done] of this.drawn) if (this.frames.get(session)?.isConnected !== true) done();
    const current = new Set<Element>();
    for (const found of this.opts.adapter.statuses(root, this.opts.marker)) {
      relabel(found.container, this.opts.marker);
      const next = found.content.nextElementSibling;
      const version = textVersion(found.text);
      if (next instanceof HTMLElement && next.classList.contains(HOST_CLASS) && next.dataset.hushFor === found.statusId && next.dataset.hushText === version) {
        found.content.classList.add(HIDDEN_CLASS); // React may have rewritten the class list
        this.start(next, found);
        current.add(next);
        continue;
      }
      // A view of another status on a reused node, or of this status before it was edited.
      if (next?.classList.contains(HOST_CLASS)) next.remove();
      current.add(this.show(found, version));
    }
    // A status edited into plain text is no Hush status any more: its old view must go with it.
    const scope = root instanceof Element || root instanceof Document || root instanceof DocumentFragment ? root : document;
    for (const host of scope.querySelectorAll<HTMLElement>(`.${HOST_CLASS}`)) {
      if (current.has(host)) continue;
      const content = host.previousElementSibling;
      if (content instanceof HTMLElement && (content.textContent ?? '').includes(this.opts.marker)) continue;
      content?.classList.remove(HIDDEN_CLASS);
      host.remove();
    }
  }

  onSize(session: string, height: number): void {
    const frame = this.frames.get(session);
    if (frame?.isConnected) {
      frame.style.height = `${height}px`;
      // The frame reports its size once it has drawn the message: the view is readable now (the
      // page learns only what the frame's resize already tells it). Used by bench/overlay.ts.
      frame.parentElement?.setAttribute('data-hush-rendered', '');
    } else this.frames.delete(session);
    this.drawn.get(session)?.();
  }

  onRefresh(session: string): void {
    const frame = this.frames.get(session);
    if (frame?.isConnected) frame.contentWindow?.location.replace(frame.src); // the frame asks the background again
    else this.frames.delete(session);
  }

  private show(found: FoundStatus, version: string): HTMLElement {
    const host = document.createElement('div');
    host.className = HOST_CLASS;
    host.dataset.hushFor = found.statusId;
    host.dataset.hushText = version;
    host.dataset.hushState = 'pending';
    found.content.after(host);
    found.content.classList.add(HIDDEN_CLASS);
    this.start(host, found);
    return host;
  }

  private start(host: HTMLElement, found: FoundStatus): void {
    if (this.queued.has(host) || this.started.has(host)) return;
    this.queued.add(host);
    this.work.push(() => {
      this.queued.delete(host);
      // Out of the page at its turn (scrolled away in a virtualised list): nothing to show now;
      // if the node comes back, the next scan starts it.
      if (!host.isConnected) return;
      this.started.add(host);
      // A background that does not answer must not hold a place in `loading` for good either.
      void this.loading.run(() => Promise.race([this.fill(host, found), sleep(LOAD_SLOT_MS)]));
    });
  }

  private async fill(host: HTMLElement, found: FoundStatus): Promise<void> {
    if (!host.isConnected) return; // scrolled away (a virtualised list) while it waited its turn
    const style = styleOf(found.content, found.content.querySelector('a'));
    const opened = await send('frame/open', { kind: 'view' });
    if (!opened.ok) return this.fail(host, opened.error.message);
    const session = opened.value.session;
    const candidates = found.authorAcct !== null ? [found.authorAcct] : conversationAuthors(found, this.opts.me);
    for (const [i, acct] of candidates.entries()) {
      const last = i === candidates.length - 1;
      const reply = await send('overlay/view-open', {
        session, statusId: found.statusId, context: found.context === 'conversation' ? 'conversation' : 'status',
        author: { acct, actorUri: null }, mentions: [...found.mentions], text: found.text.slice(0, 20_000), style,
      });
      if (!reply.ok) return this.fail(host, reply.error.message);
      const v = reply.value;
      // DM-column entries do not name the last status's author: try each participant.
      if (!last && v.role === 'message' && v.badge.kind === 'sender_mismatch') continue;
      if (!host.isConnected) return;
      host.dataset.hushState = v.badge.kind;
      if (v.role === 'continuation' && v.part) return this.continuation(host, v.part.index, v.part.total);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.drawn.delete(session);
          resolve();
        };
        this.work.push(() => {
          if (!host.isConnected) return done();
          this.drawn.set(session, done);
          this.mount(host, session, v.height, style);
          // A frame that never reports its size (refused, or its tab closed) must not hold its place.
          setTimeout(done, DRAW_WAIT_MS);
        });
      });
      return;
    }
  }

  private mount(host: HTMLElement, session: string, height: number, style: FrameStyle): void {
    const frame = secureFrame('frames/view.html', session, msg('viewFrameTitle'));
    frame.style.height = `${height}px`;
    frame.style.colorScheme = style.dark ? 'dark' : 'light';
    host.append(frame);
    this.frames.set(session, frame);
  }

  private continuation(host: HTMLElement, index: number, total: number): void {
    const note = document.createElement('p');
    note.className = 'hush-continuation';
    note.textContent = msg('viewContinuation', [String(index + 1), String(total)]);
    host.append(note);
  }

  private fail(host: HTMLElement, message: string): void {
    host.dataset.hushState = 'error';
    const note = document.createElement('p');
    note.className = 'hush-continuation';
    note.textContent = msg('viewUnavailable');
    note.title = message;
    host.append(note);
  }
}

/** The ciphertext's code points (protocol text encoding: CJK Ext A, URO, Ext B and the tail byte block). */
const CIPHERTEXT_RUN = '\\s*[\\u3400-\\u4DBF\\u4E00-\\u9FFF\\u{20000}-\\u{2953F}]*';

/**
 * Mastodon puts the status text into the wrapper's aria-label for screen readers: hundreds of
 * CJK characters read out one by one. Each ciphertext is replaced by the view's name there (the
 * frame itself is announced with its title). Not secret: only what the page already has changes.
 */
function relabel(container: HTMLElement, marker: string): void {
  const labelled = container.matches('[aria-label]') ? container : container.closest('[aria-label].status__wrapper, [aria-label].detailed-status__wrapper');
  const label = labelled?.getAttribute('aria-label');
  if (!labelled || label?.includes(marker) !== true) return;
  const escaped = marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  labelled.setAttribute('aria-label', label.replace(new RegExp(escaped + CIPHERTEXT_RUN, 'gu'), msg('viewFrameTitle')));
}

/**
 * A cheap fingerprint of the status text (FNV-1a), only to notice an edit: the background keys
 * what it shows by a SHA-256 of the text, so a collision here can only cost a missed re-render.
 */
function textVersion(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `${text.length.toString(36)}-${(h >>> 0).toString(36)}`;
}

/** Participants of a DM-column entry (the names line), then the signed-in user. */
function conversationAuthors(found: FoundStatus, me: string | null): string[] {
  const names = [...found.container.querySelectorAll('.conversation__content__names a[href]')]
    .map((a) => /^\/@([A-Za-z0-9_.@-]+)$/.exec(a.getAttribute('href') ?? '')?.[1] ?? null)
    .filter((a): a is string => a !== null);
  return [...new Set([...names, ...(me === null ? [] : [me])])].slice(0, 8);
}
