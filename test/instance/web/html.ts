// Status content HTML -> DOM the way Mastodon's client renders it. The HTML comes from the server
// (possibly an adversary), so it is parsed inert with DOMParser and rebuilt from an allow-list.
import { h, type ComponentChild } from 'preact';
import type { Mention } from './model';

const ALLOWED: Record<string, readonly string[]> = {
  p: [],
  br: [],
  span: ['class', 'translate'],
  a: ['href', 'class', 'rel', 'translate'],
  del: [],
  s: [],
  pre: [],
  blockquote: [],
  code: [],
  b: [],
  strong: [],
  u: [],
  i: [],
  em: [],
  ul: [],
  ol: ['start', 'reversed'],
  li: ['value'],
  sub: [],
  sup: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
};

const SAFE_HREF = /^(https?:|mailto:|\/)/i;

function parse(html: string): Document {
  return new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
}

interface LinkInfo {
  href: string;
  attrs: Record<string, string>;
}

/** What the client does to each anchor (4.5 HandledLink, 4.3-4.4 _updateStatusLinks). */
function handleLink(a: Element, mentions: readonly Mention[]): LinkInfo | null {
  const href = a.getAttribute('href') ?? '';
  const cls = (a.getAttribute('class') ?? '').split(/\s+/);
  if (cls.includes('mention') && cls.includes('hashtag')) {
    const tag = (a.textContent ?? '').replace(/^#/, '');
    return { href: `/tags/${encodeURIComponent(tag)}`, attrs: { class: 'mention hashtag', 'data-menu-hashtag': '' } };
  }
  if (cls.includes('mention')) {
    const text = (a.textContent ?? '').replace(/^@/, '');
    const m = mentions.find((x) => x.url === href) ?? mentions.find((x) => x.acct === text || x.username === text);
    if (m)
      return { href: `/@${m.acct}`, attrs: { class: 'mention', title: `@${m.acct}`, 'data-hover-card-account': m.id } };
  }
  if (!SAFE_HREF.test(href)) return null;
  return { href, attrs: { class: 'unhandled-link', target: '_blank', rel: 'noopener', title: href } };
}

function toVNodes(node: Node, mentions: readonly Mention[], key: { n: number }): ComponentChild[] {
  const out: ComponentChild[] = [];
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) {
      out.push(child.textContent ?? '');
      continue;
    }
    if (!(child instanceof Element)) continue;
    const tag = child.tagName.toLowerCase();
    const allowed = ALLOWED[tag];
    const kids = toVNodes(child, mentions, key);
    if (!allowed) {
      out.push(...kids); // unknown element: keep its text, drop the element
      continue;
    }
    const props: Record<string, string> = { key: `html-${key.n++}` };
    for (const attr of allowed) {
      const v = child.getAttribute(attr);
      if (v !== null && attr !== 'href') props[attr] = v;
    }
    if (tag === 'a') {
      const link = handleLink(child, mentions);
      if (!link) {
        out.push(...kids);
        continue;
      }
      Object.assign(props, { href: link.href }, link.attrs);
    }
    out.push(h(tag, props, ...kids));
  }
  return out;
}

/** 4.5+: content as VDOM elements (every node owned by the framework). */
export function contentElements(html: string, mentions: readonly Mention[]): ComponentChild[] {
  return toVNodes(parse(html).body, mentions, { n: 0 });
}

/** 4.3-4.4: a sanitised HTML string for innerHTML (anchors are fixed up after mount). */
export function sanitizedHtml(html: string): string {
  const doc = parse(html);
  const clean = (node: Node): void => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE) continue;
      if (!(child instanceof Element)) {
        child.remove();
        continue;
      }
      clean(child);
      const allowed = ALLOWED[child.tagName.toLowerCase()];
      if (!allowed) {
        child.replaceWith(...Array.from(child.childNodes));
        continue;
      }
      for (const attr of Array.from(child.attributes)) {
        if (!allowed.includes(attr.name) || (attr.name === 'href' && !SAFE_HREF.test(attr.value)))
          child.removeAttribute(attr.name);
      }
    }
  };
  clean(doc.body);
  return doc.body.innerHTML;
}

/** 4.3-4.4 _updateStatusLinks: mutate the anchors in place after innerHTML. */
export function updateStatusLinks(root: Element, mentions: readonly Mention[]): void {
  for (const a of Array.from(root.querySelectorAll('a'))) {
    if (a.classList.contains('status-link')) continue;
    const link = handleLink(a, mentions);
    if (!link) {
      a.removeAttribute('href');
      continue;
    }
    a.classList.add('status-link');
    a.setAttribute('href', link.href);
    for (const [k, v] of Object.entries(link.attrs)) {
      if (k === 'class') v.split(' ').forEach((c) => a.classList.add(c));
      else a.setAttribute(k, v);
    }
  }
}

/** Plain text of content, for aria-label (textForScreenReader). */
export function plainText(html: string): string {
  const doc = parse(html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/p><p>/gi, '\n\n'));
  return doc.body.textContent ?? '';
}
