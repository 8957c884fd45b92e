// A method's logo (D15): Antom's own (consult's `logo.logoUrl`) when the server has it, the bundled
// brand mark behind it when that one cannot be loaded, and a monogram only when neither can.
import { useState } from 'preact/hooks';

/** Two letters for a monogram: initials of the first two words, else the first two letters. */
export function monogram(name: string): string {
  const words = name
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const letters =
    words.length > 1 ? words[0]![0]! + words[1]![0]! : [...(words[0] ?? '?')].slice(0, 2).join('');
  return letters.toUpperCase();
}

export function MethodLogo(props: { name: string; sources: (string | null | undefined)[] }) {
  const sources = props.sources.filter((source): source is string => Boolean(source));
  const [failed, setFailed] = useState(0);
  const source = sources[failed];
  if (!source)
    return (
      <span class="pd-logo pd-monogram" aria-hidden="true">
        {monogram(props.name)}
      </span>
    );
  return (
    <img
      key={source}
      class="pd-logo"
      src={source}
      alt=""
      width={48}
      height={32}
      onError={() => setFailed((count) => count + 1)}
    />
  );
}
