// components/scrollable_list: .scrollable > .item-list[role=feed] > article[data-id][aria-posinset]
// [aria-setsize]. One IntersectionObserver (rootMargin 300% 0px, root = the scroller) decides which
// articles are far off-screen; those render their item `hidden` at a fixed inline height, and get
// brand-new nodes when they come back (IntersectionObserverArticle).
import { createContext } from 'preact';
import { useContext, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChild, JSX } from 'preact';

type Callback = (entry: IntersectionObserverEntry) => void;

/** Queues observe() calls until the list is mounted (children mount before their parent). */
class ObserverWrapper {
  private io: IntersectionObserver | null = null;
  private readonly callbacks = new Map<Element, Callback>();

  connect(root: Element): void {
    this.io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) this.callbacks.get(e.target)?.(e);
      },
      { root, rootMargin: '300% 0px' },
    );
    for (const el of this.callbacks.keys()) this.io.observe(el);
  }

  observe(el: Element, cb: Callback): void {
    this.callbacks.set(el, cb);
    this.io?.observe(el);
  }

  unobserve(el: Element): void {
    this.callbacks.delete(el);
    this.io?.unobserve(el);
  }

  disconnect(): void {
    this.io?.disconnect();
    this.io = null;
  }
}

const ObserverContext = createContext<ObserverWrapper | null>(null);

const idle = (fn: () => void): void => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 500 });
  else setTimeout(fn, 50);
};

function Article(props: {
  id: string;
  index: number;
  size: number;
  render: (hidden: boolean) => ComponentChild;
}): JSX.Element {
  const observer = useContext(ObserverContext);
  const ref = useRef<HTMLElement>(null);
  const [hidden, setHidden] = useState(false);
  const height = useRef(0);
  const intersecting = useRef(true);

  useEffect(() => {
    const el = ref.current;
    if (!el || !observer) return undefined;
    observer.observe(el, (entry) => {
      intersecting.current = entry.isIntersecting;
      if (entry.isIntersecting) {
        setHidden(false);
        return;
      }
      height.current = entry.boundingClientRect.height;
      // Like Mastodon, hide in an idle task, and only if still out of range by then.
      idle(() => {
        if (!intersecting.current) setHidden(true);
      });
    });
    return () => observer.unobserve(el);
  }, [observer]);

  const style = hidden ? { height: `${height.current}px`, opacity: '0', overflow: 'hidden' } : {};
  return (
    <article ref={ref} data-id={props.id} aria-posinset={props.index + 1} aria-setsize={props.size} style={style}>
      {props.render(hidden)}
    </article>
  );
}

export interface ListItem {
  id: string;
  render: (hidden: boolean) => ComponentChild;
}

export function ScrollableList(props: {
  items: ListItem[];
  /** The DM column passes false: Conversation ignores `hidden` in Mastodon. */
  virtualize: boolean;
  emptyMessage: ComponentChild;
  prepend?: ComponentChild;
  isLoading: boolean;
  hasMore?: boolean;
  onLoadMore?: () => void;
}): JSX.Element {
  const scroller = useRef<HTMLDivElement>(null);
  const wrapper = useRef<ObserverWrapper | null>(null);
  if (props.virtualize && wrapper.current === null) wrapper.current = new ObserverWrapper();
  const empty = props.items.length === 0 && !props.isLoading;
  useLayoutEffect(() => {
    const w = wrapper.current;
    if (!w || !scroller.current) return undefined;
    w.connect(scroller.current);
    return () => w.disconnect();
  }, [empty]);

  if (empty) {
    return (
      <div class="scrollable scrollable--flex">
        {props.prepend}
        <div class="empty-column-indicator">{props.emptyMessage}</div>
      </div>
    );
  }
  const size = props.items.length;
  // Like ScrollableList.handleScroll: fetch the next page when 400px from the end.
  const onScroll = (): void => {
    const el = scroller.current;
    if (el && props.hasMore && !props.isLoading && el.scrollHeight - el.scrollTop - el.clientHeight < 400)
      props.onLoadMore?.();
  };
  return (
    <ObserverContext.Provider value={wrapper.current}>
      <div class="scrollable" ref={scroller} onScroll={onScroll}>
        <div role="feed" class="item-list">
          {props.prepend}
          {props.items.map((item, i) => (
            <Article key={item.id} id={item.id} index={i} size={size} render={item.render} />
          ))}
          {props.hasMore && (
            <button type="button" class="load-more" disabled={props.isLoading} onClick={props.onLoadMore}>
              Load more
            </button>
          )}
        </div>
      </div>
    </ObserverContext.Provider>
  );
}
