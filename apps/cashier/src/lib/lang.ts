// Which language to speak (issue point 9): English, Simplified Chinese, Thai and Indonesian, picked from
// the browser's preferences and switchable on every page. The chosen language is also passed to the
// checkout GET so that method names come localised from the server.

export const LANGUAGES = ['en', 'zh', 'th', 'id'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** Each language in its own words, for the switcher. */
export const LANGUAGE_NAMES: Record<Lang, string> = {
  en: 'English',
  zh: '简体中文',
  th: 'ไทย',
  id: 'Bahasa Indonesia',
};

/** Narrows any language tag ("zh-CN", "th_TH", "id") to a supported language, or undefined. */
export function asLang(tag: string | null | undefined): Lang | undefined {
  const base = tag?.toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(base ?? '') ? (base as Lang) : undefined;
}

/** The first supported language among the browser's preferences (`navigator.languages`), else English. */
export function pickLanguage(preferences: readonly string[]): Lang {
  for (const tag of preferences) {
    const lang = asLang(tag);
    if (lang) return lang;
  }
  return 'en';
}
