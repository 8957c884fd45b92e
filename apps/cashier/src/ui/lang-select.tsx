// The visible language switcher (D5.9), a native select so it works with every input method.
import { LANGUAGE_NAMES, LANGUAGES, type Lang } from '../lib/lang.ts';

export function LangSelect({
  lang,
  label,
  onChange,
}: {
  lang: Lang;
  label: string;
  onChange(lang: Lang): void;
}) {
  return (
    <label class="pd-lang">
      <span class="pd-sr">{label}</span>
      <select
        value={lang}
        aria-label={label}
        onChange={(event) => onChange((event.currentTarget as HTMLSelectElement).value as Lang)}
      >
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LANGUAGE_NAMES[code]}
          </option>
        ))}
      </select>
    </label>
  );
}
