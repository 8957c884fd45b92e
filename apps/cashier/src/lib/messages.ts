// The cashier's words by language. English ships in the page; every other language is its own small chunk,
// fetched when the buyer's browser (or the switcher) asks for it, so the page stays small with ten languages.
import type { Lang } from './lang.ts';
import { en, type MessageKey, type Messages } from './messages/en.ts';

export { en, type MessageKey, type Messages };

const LOADERS: Record<Exclude<Lang, 'en'>, () => Promise<{ default: Messages }>> = {
  zh: () => import('./messages/zh.ts'),
  'zh-TW': () => import('./messages/zh-TW.ts'),
  th: () => import('./messages/th.ts'),
  id: () => import('./messages/id.ts'),
  ms: () => import('./messages/ms.ts'),
  vi: () => import('./messages/vi.ts'),
  fil: () => import('./messages/fil.ts'),
  ja: () => import('./messages/ja.ts'),
  ko: () => import('./messages/ko.ts'),
};

const loaded = new Map<Lang, Messages>([['en', en]]);

/** The words of `lang` when already fetched, else undefined. */
export function messagesIfLoaded(lang: Lang): Messages | undefined {
  return loaded.get(lang);
}

/** Fetches the words of `lang` once (English when the chunk cannot be fetched). */
export async function loadMessages(lang: Lang): Promise<Messages> {
  const known = loaded.get(lang);
  if (known) return known;
  try {
    const words = (await LOADERS[lang as Exclude<Lang, 'en'>]()).default;
    loaded.set(lang, words);
    return words;
  } catch {
    return en;
  }
}
