// Which language to speak (D15): English, Simplified and Traditional Chinese, Thai, Indonesian,
// Japanese, Korean, Malay, Vietnamese and Filipino, picked from the browser's preferences and switchable on
// every page. The chosen language is also passed to the checkout GET so that method names come localised.

export const LANGUAGES = ['en', 'zh', 'zh-TW', 'th', 'id', 'ms', 'vi', 'fil', 'ja', 'ko'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** Each language in its own words, for the switcher. */
export const LANGUAGE_NAMES: Record<Lang, string> = {
  en: 'English',
  zh: '简体中文',
  'zh-TW': '繁體中文',
  th: 'ไทย',
  id: 'Bahasa Indonesia',
  ms: 'Bahasa Melayu',
  vi: 'Tiếng Việt',
  fil: 'Filipino',
  ja: '日本語',
  ko: '한국어',
};

/**
 * Narrows any language tag to a supported language, or undefined: "zh-CN", "zh-Hans-SG" → zh;
 * "zh-TW", "zh-HK", "zh-Hant" → zh-TW; "tl" → fil; "in" (the old code) → id; "th_TH" → th.
 */
export function asLang(tag: string | null | undefined): Lang | undefined {
  const parts = (tag ?? '').trim().toLowerCase().split(/[-_]/);
  const base = parts[0] ?? '';
  if (base === 'zh') {
    const rest = parts.slice(1);
    return rest.some((part) => ['tw', 'hk', 'mo', 'hant'].includes(part)) && !rest.includes('hans')
      ? 'zh-TW'
      : 'zh';
  }
  if (base === 'tl') return 'fil';
  if (base === 'in') return 'id';
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Lang) : undefined;
}

/** The first supported language among the browser's preferences (`navigator.languages`), else English. */
export function pickLanguage(preferences: readonly string[]): Lang {
  for (const tag of preferences) {
    const lang = asLang(tag);
    if (lang) return lang;
  }
  return 'en';
}
