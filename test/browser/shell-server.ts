/**
 * A minimal page on 127.0.0.1 with the Mastodon page shell (mount node + initial-state JSON)
 * and Mastodon's production Content-Security-Policy, for the foundation tests. The full
 * Mastodon stand-in lives in test/instance/.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ShellServer {
  readonly origin: string;
  close(): Promise<void>;
}

export const MASTODON_CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'nonce-SHELLNONCE'; img-src 'self' data: blob:; " +
  "media-src 'self' data: blob:; font-src 'self'; connect-src 'self' data: blob:; frame-src 'self' https:; " +
  "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; manifest-src 'self'; child-src 'self' blob:; worker-src 'self' blob:";

export function shellHtml(state: unknown): string {
  const json = JSON.stringify(state).replace(/</g, '\\u003c');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mastodon</title>
<script id="initial-state" type="application/json">${json}</script>
<meta name="initialPath" content="/home"><meta name="style-nonce" content="SHELLNONCE">
<script src="/page.js"></script>
</head><body class="app-body layout-single-column">
<div class="app-holder notranslate" id="mastodon" data-props="{&quot;locale&quot;:&quot;en&quot;}"><noscript>Mastodon needs JavaScript</noscript></div>
</body></html>`;
}

export const defaultState = {
  meta: { domain: 'shell.test', version: '4.8.0', me: '1', access_token: 'shell-token', locale: 'en', title: 'Shell' },
  compose: { me: '1', default_privacy: 'public' },
  accounts: {
    '1': {
      id: '1',
      username: 'alice',
      acct: 'alice',
      url: 'http://127.0.0.1/@alice',
      uri: 'http://127.0.0.1/users/alice',
    },
  },
  languages: [['en', 'English', 'English']],
  settings: {},
};

/** `pageScript` is served as /page.js (scripts must come from 'self' under this CSP). */
export async function startShellServer(opts: { state?: unknown; pageScript?: string } = {}): Promise<ShellServer> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(opts.pageScript ?? '');
      return;
    }
    res.writeHead(req.url === '/favicon.ico' ? 404 : 200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': MASTODON_CSP,
    });
    res.end(
      req.url === '/not-mastodon'
        ? '<!doctype html><title>Blog</title><p>Just a page</p>'
        : shellHtml(opts.state ?? defaultState),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
