import { describe, expect, it } from 'vitest';
import { makeManifest } from '../build.mjs';

describe('manifest', () => {
  it('release build asks for the minimum: no host access at install, per-instance optional hosts', () => {
    const m = makeManifest();
    // identity: the inbox's OAuth flow; contextMenus + sidePanel: opening the inbox (issue #18).
    expect(m.permissions.sort()).toEqual([
      'activeTab',
      'alarms',
      'contextMenus',
      'identity',
      'scripting',
      'sidePanel',
      'storage',
    ]);
    expect(m.host_permissions).toBeUndefined();
    expect(m.optional_host_permissions).toEqual(['https://*/*', 'http://*/*']);
    expect(JSON.stringify(m)).not.toContain('<all_urls>');
    expect(m).not.toHaveProperty('content_scripts'); // registered at run time for granted instances only
  });

  it('test build adds a static host permission for 127.0.0.1 and nothing else', () => {
    const m = makeManifest({ test: true });
    expect(m.host_permissions).toEqual(['http://127.0.0.1/*']);
    expect(m.permissions.sort()).toEqual([
      'activeTab',
      'alarms',
      'contextMenus',
      'identity',
      'scripting',
      'sidePanel',
      'storage',
    ]);
  });

  it('one manifest serves both browsers; store targets drop what the other browser does not use', () => {
    expect(makeManifest().background).toEqual({ service_worker: 'background.js', scripts: ['background.js'] });
    expect(makeManifest({ target: 'chrome' }).background).toEqual({ service_worker: 'background.js' });
    expect(makeManifest({ target: 'chrome' })).not.toHaveProperty('browser_specific_settings');
    expect(makeManifest({ target: 'firefox' }).background).toEqual({ scripts: ['background.js'] });
  });

  it('the inbox: Chrome side panel, Firefox sidebar, a command; each store build keeps only its own', () => {
    const both = makeManifest();
    expect(both.side_panel).toEqual({ default_path: 'inbox.html' });
    expect(both.sidebar_action).toMatchObject({ default_panel: 'inbox.html' });
    expect(Object.keys(both.commands as object)).toEqual(['open-inbox']);
    expect(makeManifest({ target: 'chrome' })).not.toHaveProperty('sidebar_action');
    const ff = makeManifest({ target: 'firefox' });
    expect(ff).not.toHaveProperty('side_panel');
    expect(ff.permissions).not.toContain('sidePanel');
  });

  it('allows wasm for libsodium on extension pages and nothing looser', () => {
    expect(makeManifest().content_security_policy).toEqual({
      extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
    });
  });
});
