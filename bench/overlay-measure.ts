// One measured page visit for bench/overlay.ts: navigate, wait until every message in the viewport
// is readable, optionally scroll, then read long tasks and heap. Polled from Node at the same rate
// for both variants, so the polling cost is the same on both sides of the ratio.
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import type { BrowserKind } from '../test/browser/launch';

/** One measured visit: a column or thread, loaded cold (a new document) or reached in the app (history). */
export interface Visit {
  readonly name: string;
  readonly path: string;
  readonly how: 'cold' | 'nav';
  /** The items this view shows (messages), e.g. '.conversation'. */
  readonly items: string;
  readonly scroll: boolean;
}

export interface Sample {
  readonly readableMs: number;
  readonly visible: number;
  readonly longTasks: number;
  readonly longestTaskMs: number;
  readonly heapMb: number;
  readonly scrollReadableMs: number;
  /** First status, first view host, first frame, first drawn view (ms since navigation start). */
  readonly phases: Record<string, number>;
}

export const median = (xs: readonly number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((p, q) => p - q);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

const MARKER = '[Hush encrypted message]';
const POLL_MS = 25;
const TIMEOUT_MS = 60_000;
const observed = new WeakSet<Page>();

/** Long tasks of the page's main thread, collected from document start. Call before the page has frames. */
export async function observeLongTasks(page: Page): Promise<void> {
  if (observed.has(page)) return;
  observed.add(page);
  await page.evaluateOnNewDocument(() => {
    const w = window as unknown as { __benchLong: number[] };
    w.__benchLong = [];
    // When each stage first happened (ms since navigation start), to see where Hush's time goes:
    // Mastodon's first status, the content script's first view host, first mounted frame, first drawn view.
    const phases: Record<string, number> = {};
    (window as unknown as { __benchPhases: Record<string, number> }).__benchPhases = phases;
    new MutationObserver(() => {
      const now = performance.now();
      if (phases.status === undefined && document.querySelector('.status, .conversation')) phases.status = now;
      if (phases.host === undefined && document.querySelector('.hush-view')) phases.host = now;
      if (phases.frame === undefined && document.querySelector('.hush-view iframe')) phases.frame = now;
      if (phases.drawn === undefined && document.querySelector('.hush-view[data-hush-rendered]')) phases.drawn = now;
    }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-hush-rendered'] });
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__benchLong.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // Firefox has no 'longtask' entries: reported as not measured.
    }
  });
}

/** Number of messages in the viewport, or -1 while one of them is not readable yet. */
async function readableNow(page: Page, variant: 'plain' | 'hush', itemSel: string): Promise<number> {
  // No named helpers inside: tsx's keepNames would wrap them in a __name() the page does not have.
  const state = await page
    .evaluate(
      (marker: string, sel: string) => {
        const items: Element[] = [];
        // Items of the view navigated away from are marked before the navigation and not counted.
        for (const el of document.querySelectorAll(sel)) {
          if (el.closest('[data-bench-old]') !== null) continue;
          const r = el.getBoundingClientRect();
          if (r.bottom > 0 && r.top < innerHeight && r.height > 0) items.push(el);
        }
        let pending = 0;
        let hush = 0;
        let hushRendered = 0;
        for (const item of items) {
          const content = item.querySelector('.status__content__text');
          const text = content?.textContent ?? '';
          const view = item.querySelector('.hush-view');
          if (view !== null) {
            hush++;
            if (view.hasAttribute('data-hush-rendered')) hushRendered++;
          } else if (text.includes(marker) || text.trim() === '') pending++;
        }
        return { visible: items.length, pending, hush, hushRendered };
      },
      MARKER,
      itemSel,
    )
    .catch(() => ({ visible: 0, pending: 1, hush: 0, hushRendered: 0 })); // mid-navigation
  if (state.visible === 0 || state.pending > 0) return -1;
  if (variant === 'plain') return state.visible;
  // Every secure view in the viewport has its frame loaded and handed its offer (data-hush-rendered,
  // set by the content script; the frame's join and drawing come after it and are not counted). Reading 200 out-of-process frames through
  // puppeteer instead would cost more than what is measured.
  return state.hushRendered === state.hush ? state.visible : -1;
}

async function untilReadable(
  page: Page,
  variant: 'plain' | 'hush',
  since: number,
  itemSel: string,
): Promise<{ ms: number; visible: number }> {
  for (;;) {
    const visible = await readableNow(page, variant, itemSel);
    if (visible > 0) return { ms: Date.now() - since, visible };
    if (Date.now() - since > TIMEOUT_MS) {
      const seen = await page
        .$$eval('.status, .conversation', (els) =>
          els
            .slice(0, 6)
            .map(
              (e) =>
                `${e.className}: ${e.querySelector('.hush-view')?.getAttribute('data-hush-state') ?? 'no view'} ${(e.textContent ?? '').slice(0, 60)}`,
            ),
        )
        .catch(() => []);
      throw new Error(
        `${variant}: messages in ${page.url()} not readable after ${TIMEOUT_MS} ms; first items: ${seen.join(' | ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** One-screen scroll of the column's own scroller; false at the end of the list. */
function scrollStep(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    // Columns scroll inside their own container (Mastodon's .scrollable), not the window.
    let box: HTMLElement | null = document.querySelector<HTMLElement>('.status, .conversation');
    while (
      box !== null &&
      !(box.scrollHeight > box.clientHeight + 4 && /auto|scroll/.test(getComputedStyle(box).overflowY))
    )
      box = box.parentElement;
    const target = box ?? document.scrollingElement;
    if (target === null) return false;
    const before = target.scrollTop;
    target.scrollBy(0, innerHeight * 0.9);
    return target.scrollTop !== before;
  });
}

async function goto(page: Page, url: string): Promise<number> {
  let t0 = Date.now();
  // Firefox (BiDi) sometimes aborts a navigation that meets one still settling (NS_BINDING_ABORTED):
  // retried, and timed from the attempt that went through.
  for (let attempt = 0; ; attempt++) {
    try {
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      return t0;
    } catch (e) {
      if (attempt >= 2 || !String(e).includes('NS_BINDING_ABORTED')) throw e;
      t0 = Date.now();
    }
  }
}

export async function measure(
  page: Page,
  origin: string,
  visit: Visit,
  variant: 'plain' | 'hush',
  kind: BrowserKind,
): Promise<Sample> {
  await page.bringToFront();
  let t0: number;
  let longFrom = 0;
  if (visit.how === 'cold') {
    t0 = await goto(page, `${origin}${visit.path}`);
  } else {
    // The app's own navigation (history.pushState + popstate, as its links do): same document.
    longFrom = await page.evaluate(() => ((window as unknown as { __benchLong?: number[] }).__benchLong ?? []).length);
    t0 = Date.now();
    await page.evaluate((path: string) => {
      for (const el of document.querySelectorAll('.status, .conversation, .detailed-status'))
        el.setAttribute('data-bench-old', '');
      history.pushState({ key: Math.random().toString(36).slice(2, 8) }, '', path);
      dispatchEvent(new PopStateEvent('popstate', { state: history.state }));
    }, visit.path);
  }
  const first = await untilReadable(page, variant, t0, visit.items);
  const steps: number[] = [];
  if (visit.scroll) {
    for (let i = 0; i < 8; i++) {
      if (!(await scrollStep(page))) break;
      steps.push((await untilReadable(page, variant, Date.now(), visit.items)).ms);
    }
  }
  const phases = await page.evaluate(() => ({
    ...((window as unknown as { __benchPhases?: Record<string, number> }).__benchPhases ?? {}),
  }));
  const long = (await page.evaluate(() => (window as unknown as { __benchLong?: number[] }).__benchLong ?? [])).slice(
    longFrom,
  );
  const heapMb = kind === 'chromium' ? ((await page.metrics()).JSHeapUsedSize ?? Number.NaN) / 1e6 : Number.NaN;
  return {
    readableMs: first.ms,
    visible: first.visible,
    longTasks: kind === 'chromium' ? long.filter((d) => d > 50).length : Number.NaN,
    longestTaskMs: kind === 'chromium' ? Math.max(0, ...long) : Number.NaN,
    heapMb,
    scrollReadableMs: steps.length ? median(steps) : Number.NaN,
    phases: visit.how === 'cold' ? phases : {},
  };
}

/** Resident memory (MB) of a browser and all its child processes (Linux /proc). */
export function processTreeRssMb(rootPid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(name);
      const ppid = Number(fields[1]);
      rss.set(pid, Number(fields[21]) * 4096);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // The process ended while we read.
    }
  }
  let total = 0;
  const todo = [rootPid];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    total += rss.get(pid) ?? 0;
    todo.push(...(children.get(pid) ?? []));
  }
  return total / 1e6;
}

export interface MemorySample {
  readonly heapMb: number;
  readonly processMb: number;
  readonly messages: number;
}

/**
 * Memory growth of one visit of the home timeline scrolled to its end (every message shown once,
 * so with Hush every one had its view): page JS heap (Chromium) and the browser's process tree,
 * after minus before, from a fresh tab on about:blank.
 */
export async function memoryGrowth(
  newPage: () => Promise<Page>,
  url: string,
  variant: 'plain' | 'hush',
  kind: BrowserKind,
  rootPid: number,
): Promise<MemorySample> {
  const page = await newPage();
  try {
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto('about:blank');
    await new Promise((r) => setTimeout(r, 1000));
    const heap = async () =>
      kind === 'chromium' ? ((await page.metrics()).JSHeapUsedSize ?? Number.NaN) / 1e6 : Number.NaN;
    const heap0 = await heap();
    const rss0 = processTreeRssMb(rootPid);
    await goto(page, url);
    const seen = new Set<string>();
    const collect = async () => {
      for (const id of await page.$$eval('.status[data-id]', (els) => els.map((e) => e.getAttribute('data-id') ?? '')))
        seen.add(id);
    };
    await untilReadable(page, variant, Date.now(), '.status');
    await collect();
    // The list loads more as it nears its end: a step that does not move waits for the next page.
    for (let i = 0, stuck = 0; i < 400 && stuck < 3; i++) {
      if (await scrollStep(page)) {
        stuck = 0;
        await untilReadable(page, variant, Date.now(), '.status');
        await collect();
      } else {
        stuck++;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
    return { heapMb: (await heap()) - heap0, processMb: processTreeRssMb(rootPid) - rss0, messages: seen.size };
  } finally {
    await page.close();
  }
}
