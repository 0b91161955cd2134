/**
 * What a running content script added to the page and the browser, to take it all back: every
 * listener, observer, timer and node is registered here as it is made, and `run()` undoes them
 * in reverse order (content/root.ts). Registering after `run()` undoes at once, so work that
 * finishes late (a reply that arrives after the stop) cannot leave anything behind.
 */
import browser, { type Runtime } from 'webextension-polyfill';

type MessageListener = (message: unknown, sender: Runtime.MessageSender) => Promise<unknown> | undefined;

export class Teardown {
  private readonly undo: (() => void)[] = [];
  private done = false;

  get stopped(): boolean {
    return this.done;
  }

  /** Runs `fn` at teardown (at once when already torn down). */
  add(fn: () => void): void {
    if (this.done) safely(fn);
    else this.undo.push(fn);
  }

  listen(target: EventTarget, type: string, fn: (e: Event) => void, capture = false): void {
    target.addEventListener(type, fn, capture);
    this.add(() => {
      target.removeEventListener(type, fn, capture);
    });
  }

  onMessage(fn: MessageListener): void {
    browser.runtime.onMessage.addListener(fn);
    this.add(() => {
      browser.runtime.onMessage.removeListener(fn);
    });
  }

  /** A one-shot timer that teardown cancels. */
  timeout(fn: () => void, ms: number): void {
    const id = setTimeout(() => {
      const i = this.undo.indexOf(cancel);
      if (i >= 0) this.undo.splice(i, 1);
      fn();
    }, ms);
    const cancel = (): void => {
      clearTimeout(id);
    };
    this.add(cancel);
  }

  run(): void {
    if (this.done) return;
    this.done = true;
    for (const fn of this.undo.splice(0).reverse()) safely(fn);
  }
}

/** One failing undo (an extension context that is gone, a node React removed) never stops the rest. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // nothing left to undo there
  }
}
