// The words of the buyer's language for a component: English and any language fetched before are there at
// once; another is fetched, and meanwhile the words shown last stay (null only before the first ones).
import { useEffect, useState } from 'preact/hooks';
import { loadMessages, messagesIfLoaded, type Lang, type Messages } from '../lib/i18n.ts';

export function useMessages(lang: Lang): Messages | null {
  const [fetched, setFetched] = useState<Messages | null>(null);
  const known = messagesIfLoaded(lang);
  useEffect(() => {
    if (messagesIfLoaded(lang)) return;
    let current = true;
    void loadMessages(lang).then((words) => {
      if (current) setFetched(words);
    });
    return () => {
      current = false;
    };
  }, [lang]);
  return known ?? fetched;
}
