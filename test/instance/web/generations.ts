// Every DOM/label difference between the UI generations lives here, picked from meta.version.
// 'modern' = Mastodon 4.5-4.8 (visibility modal, React-element content); 'legacy' = 4.3-4.4
// (privacy dropdown, innerHTML content mutated in place). Older versions render as 'legacy'.
import type { Visibility } from './model';

export type GenerationName = 'modern' | 'legacy';

export interface Generation {
  name: GenerationName;
  minor: number;
  /** 4.5+: visibility button opens .visibility-modal; 4.3-4.4: li.privacy-dropdown__option popup. */
  visibilityControl: 'modal' | 'dropdown';
  /** 4.5+: content parsed into VDOM elements; 4.3-4.4: innerHTML then anchors mutated in place. */
  contentRendering: 'elements' | 'inner-html';
  /** 4.4+ submit button is button--compact. */
  compactSubmit: boolean;
  /** 4.4+ visibility icon carries aria-label; 4.3 uses title. */
  iconLabelAttr: 'aria-label' | 'title';
  /** 4.6+ form carries role=region + aria-label. */
  formRegion: boolean;
  /** 4.6+: also collapse when .status__content__text overflows horizontally. */
  collapseOnOverflow: boolean;
  /** 4.6+ (components/status/header.tsx): display name before the relative time in .status__info. */
  headerNameFirst: boolean;
  /** 4.4+ CW banner: p[id] > span, "Show more", clicks forwarded to the button, mouseup stopped; 4.3: p, "Show anyway". */
  cwBannerForwardsClicks: boolean;
  /** 4.7+: statuses of a thread carry .status__wrapper--in-thread. */
  wrapperInThread: boolean;
  /** 4.4+: warning hierarchy puts dropdowns at the top (4.5+) or in the footer (4.3-4.4). */
  dropdownsOnTop: boolean;
  visibilityShort: Record<Visibility, string>;
  visibilityLong: Record<Visibility, string>;
}

export function parseVersion(version: string): { major: number; minor: number } {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return { major: 4, minor: 8 };
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function generationFor(version: string): Generation {
  const { major, minor } = parseVersion(version);
  const effectiveMinor = major > 4 ? 99 : minor;
  const modern = major > 4 || minor >= 5;
  return {
    name: modern ? 'modern' : 'legacy',
    minor: effectiveMinor,
    visibilityControl: modern ? 'modal' : 'dropdown',
    contentRendering: modern ? 'elements' : 'inner-html',
    compactSubmit: effectiveMinor >= 4,
    iconLabelAttr: effectiveMinor >= 4 ? 'aria-label' : 'title',
    formRegion: effectiveMinor >= 6,
    collapseOnOverflow: effectiveMinor >= 6,
    dropdownsOnTop: modern,
    headerNameFirst: effectiveMinor >= 6,
    cwBannerForwardsClicks: effectiveMinor >= 4,
    wrapperInThread: effectiveMinor >= 7,
    visibilityShort: {
      public: 'Public',
      unlisted: modern ? 'Quiet public' : 'Quiet public',
      private: 'Followers',
      direct: effectiveMinor >= 4 ? 'Private mention' : 'Specific people',
    },
    visibilityLong: {
      public: 'Anyone on and off Mastodon',
      unlisted: 'Hidden from search results, trending, and public timelines',
      private: 'Only your followers',
      direct: 'Everyone mentioned in the post',
    },
  };
}

/** The button label: 4.5+ appends the quote policy for public/unlisted. */
export function visibilityButtonLabel(gen: Generation, v: Visibility): string {
  const base = gen.visibilityShort[v];
  if (gen.name === 'modern' && (v === 'public' || v === 'unlisted')) return `${base}, quotes allowed`;
  return base;
}
