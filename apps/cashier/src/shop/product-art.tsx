// Simple drawings of the demo products (emoji render differently on every system, and not at all on some).
import type { JSX } from 'preact';

const ART: Record<string, { bg: string; body: JSX.Element }> = {
  'jasmine-tea': {
    bg: '#e8f3ea',
    body: (
      <>
        <path d="M20 44c0-14 10-24 26-26-2 16-12 26-26 26z" fill="#4f9d69" />
        <path
          d="M20 44c6-8 13-14 22-20"
          stroke="#2f6f45"
          stroke-width="2"
          fill="none"
          stroke-linecap="round"
        />
        <circle cx="44" cy="42" r="5" fill="#fff" />
        <circle cx="44" cy="42" r="2" fill="#f2c94c" />
      </>
    ),
  },
  'ceramic-cup': {
    bg: '#eef0f8',
    body: (
      <>
        <path d="M16 26h28v10a14 14 0 0 1-28 0z" fill="#5b6bb5" />
        <path d="M44 29h3a5 5 0 0 1 0 10h-4" stroke="#5b6bb5" stroke-width="3" fill="none" />
        <path d="M14 50h32" stroke="#9aa4d6" stroke-width="3" stroke-linecap="round" />
        <path d="M24 14c0 4 4 4 4 8M32 14c0 4 4 4 4 8" stroke="#b3bad9" stroke-width="2" fill="none" />
      </>
    ),
  },
  'tea-set': {
    bg: '#f6efe6',
    body: (
      <>
        <ellipse cx="30" cy="38" rx="15" ry="12" fill="#b5835a" />
        <path d="M15 36l-8-6" stroke="#b5835a" stroke-width="4" stroke-linecap="round" />
        <path d="M44 32c6 0 8 6 4 10" stroke="#b5835a" stroke-width="3" fill="none" />
        <rect x="25" y="22" width="10" height="5" rx="2" fill="#8c603d" />
        <path d="M44 50h10v-6H44z" fill="#d9b48f" />
      </>
    ),
  },
  honey: {
    bg: '#fdf3dc',
    body: (
      <>
        <rect x="18" y="22" width="28" height="30" rx="6" fill="#e3a21a" />
        <rect x="20" y="16" width="24" height="7" rx="2" fill="#8a5a14" />
        <rect x="22" y="32" width="20" height="10" rx="2" fill="#fbe3a4" />
      </>
    ),
  },
};

export function ProductArt({ id, emoji }: { id: string; emoji: string }) {
  const art = ART[id];
  if (!art) {
    return (
      <span class="shop-art shop-art-emoji" aria-hidden="true">
        {emoji}
      </span>
    );
  }
  return (
    <svg
      class="shop-art"
      viewBox="0 0 64 64"
      aria-hidden="true"
      focusable="false"
      style={{ background: art.bg }}
    >
      {art.body}
    </svg>
  );
}
