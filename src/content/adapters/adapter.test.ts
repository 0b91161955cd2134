import { describe, expect, it } from 'vitest';
import { acctFromHref, idFromStatusHref } from './adapter';

describe('acctFromHref (author and mention links, mastodon-ui.md §3.2/§3.3)', () => {
  it('reads web-UI relative links, local and remote', () => {
    expect(acctFromHref('/@alice', 'a.test')).toBe('alice');
    expect(acctFromHref('/@bob@b.test', 'a.test')).toBe('bob@b.test');
    expect(acctFromHref('/@bob@b.test/117659016880540652', 'a.test')).toBe('bob@b.test');
  });

  it('reads server-rendered profile URLs: remote hosts become the domain', () => {
    expect(acctFromHref('https://b.test/@bob', 'a.test')).toBe('bob@b.test');
    expect(acctFromHref('https://a.test/@alice', 'a.test')).toBe('alice');
  });

  it('returns null for anything else instead of guessing', () => {
    expect(acctFromHref(null, 'a.test')).toBeNull();
    expect(acctFromHref('/tags/hush', 'a.test')).toBeNull();
    expect(acctFromHref('javascript:alert(1)', 'a.test')).toBeNull();
    expect(acctFromHref('/@bad name', 'a.test')).toBeNull();
  });
});

describe('idFromStatusHref (detailed status datetime link, §3.6)', () => {
  it('takes the id after the handle', () => {
    expect(idFromStatusHref('/@bob@b.test/117659016880540652')).toBe('117659016880540652');
    expect(idFromStatusHref('https://a.test/@alice/42?x=1')).toBe('42');
  });

  it('refuses links without an id', () => {
    expect(idFromStatusHref('/@bob@b.test')).toBeNull();
    expect(idFromStatusHref(null)).toBeNull();
  });
});
