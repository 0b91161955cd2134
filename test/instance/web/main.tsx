// Entry: mount into div#mastodon like app/javascript/mastodon/main.tsx, from the shell's initial state.
import { options, render } from 'preact';
import { configureApi } from './api';
import { setBootState } from './app';
import { initCompose } from './compose/state';
import { readInitialState } from './initialState';
import { bootRedirect, hasMultiColumnPath, installLinkInterception, matchRoute, setMultiColumn } from './router';
import { fetchServer } from './server';
import { startStreaming } from './streaming';
import { applyTheme } from './theme';
import { App } from './ui/App';

// React flushes a controlled input's onChange re-render synchronously, before dispatchEvent()
// returns; preact batches into a microtask by default. Rendering synchronously keeps scripts that
// write the textarea right after an input event seeing the same ordering as on real Mastodon.
options.debounceRendering = (cb: () => void): void => cb();

applyTheme();

function boot(): void {
  const root = document.getElementById('mastodon');
  if (!root) return;
  let props: unknown;
  try {
    props = JSON.parse(root.getAttribute('data-props') ?? '{}');
  } catch {
    props = null;
  }
  const state = readInitialState();
  if (!state.ok || typeof props !== 'object' || props === null) {
    root.textContent = `Cannot start: ${state.ok ? 'bad data-props' : state.error.kind}`;
    return;
  }
  setBootState(state.value);
  configureApi(state.value);
  initCompose();
  // layoutFromWindow: multi-column needs advanced_layout, a multi-column initial path and more than 630 px.
  const multi = state.value.advancedLayout && hasMultiColumnPath(state.value.initialPath) && window.innerWidth > 630;
  setMultiColumn(multi);
  document.body.classList.toggle('layout-single-column', !multi);
  document.body.classList.toggle('layout-multiple-columns', multi);
  // Land on the path the server says, without a reload (react-router's initial entry), then the
  // layout's redirects (/home -> /deck/getting-started in the advanced layout, /deck/x -> /x otherwise).
  const initial = state.value.initialPath;
  if (initial !== location.pathname && matchRoute(initial).name !== 'not-found')
    history.replaceState(null, '', initial);
  const redirect = bootRedirect(location.pathname);
  if (redirect !== null) history.replaceState({ key: 'boot' }, '', redirect);
  installLinkInterception(root);
  render(<App />, root);
  startStreaming(state.value.streamingBase);
  void fetchServer();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
