// React attaches its event listeners once, at the root container (#mastodon), and dispatches to
// components from there; preact binds them on each element. For the compose form, where the
// difference changes what an overlay can intercept (a listener on the form or the textarea that
// stops propagation keeps the event from Mastodon entirely), listen at the root like React.
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { RefObject } from 'preact';

export function useRootListener<K extends keyof HTMLElementEventMap>(
  type: K,
  target: RefObject<Element | null>,
  handler: (e: HTMLElementEventMap[K]) => void,
): void {
  const latest = useRef(handler);
  latest.current = handler;
  useLayoutEffect(() => {
    const root = document.getElementById('mastodon');
    if (!root) return undefined;
    const listener = (e: HTMLElementEventMap[K]): void => {
      const el = target.current;
      if (el && e.target instanceof Node && el.contains(e.target)) latest.current(e);
    };
    root.addEventListener(type, listener);
    return () => root.removeEventListener(type, listener);
  }, [type, target]);
}
