// Emulates React's per-node value tracker (react-dom inputValueTracking): an instance-level `value`
// property records every value the app writes, and an input event counts as a change only when the
// DOM value differs from the tracked one. So `el.value = x` through the instance property is
// swallowed, while the prototype setter + input event registers, exactly as on real Mastodon.

type Field = HTMLTextAreaElement | HTMLInputElement;

export interface ValueTracker {
  /** True (and re-tracks) when the DOM value moved away from the last value the app saw. */
  updateIfChanged(): boolean;
  detach(): void;
}

function nativeDescriptor(el: Field): PropertyDescriptor | undefined {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  return Object.getOwnPropertyDescriptor(proto, 'value');
}

export function trackValue(el: Field): ValueTracker {
  const desc = nativeDescriptor(el);
  // Accessors taken off the prototype descriptor are always invoked with .call(el) below.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const get = desc?.get;
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const set = desc?.set;
  if (!get || !set) return { updateIfChanged: () => true, detach: () => undefined };
  const read = (): string => String(get.call(el));
  let tracked = read();
  Object.defineProperty(el, 'value', {
    configurable: true,
    enumerable: desc.enumerable ?? false,
    get() {
      return read();
    },
    set(v: unknown) {
      tracked = String(v);
      set.call(el, v);
    },
  });
  return {
    updateIfChanged() {
      const current = read();
      if (current === tracked) return false;
      tracked = current;
      return true;
    },
    detach() {
      // Removing the own property exposes the prototype accessor again.
      delete (el as unknown as Record<string, unknown>).value;
    },
  };
}
