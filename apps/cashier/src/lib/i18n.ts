// The cashier's words by key, in the buyer's language (the table is in messages.ts).
import { LANGUAGES, type Lang } from './lang.ts';
import { MESSAGES, type MessageKey } from './messages.ts';

export { LANGUAGES, LANGUAGE_NAMES, asLang, pickLanguage, type Lang } from './lang.ts';
export type { MessageKey };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A lookup for one language: fills `{name}` placeholders, leaving unknown ones visible. */
export function translator(lang: Lang): Translate {
  const index = Math.max(0, LANGUAGES.indexOf(lang));
  return (key, params) =>
    ((MESSAGES[key] as readonly string[])[index] ?? MESSAGES[key][0]).replace(
      /\{(\w+)\}/g,
      (whole, name: string) => (params && name in params ? String(params[name]) : whole),
    );
}
