// The cashier's words by key, in the buyer's language (the tables are in messages/).
import type { MessageKey, Messages } from './messages.ts';

export { LANGUAGES, LANGUAGE_NAMES, asLang, pickLanguage, type Lang } from './lang.ts';
export { en, loadMessages, messagesIfLoaded, type MessageKey, type Messages } from './messages.ts';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A lookup in one language's words: fills `{name}` placeholders, leaving unknown ones visible. */
export function translator(messages: Messages): Translate {
  return (key, params) =>
    messages[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      params && name in params ? String(params[name]) : whole,
    );
}
