// The typed-code view, fetched on demand on the hosted page (it is only needed for bank transfers and
// konbini). The embed build swaps this file for text-code-loader.embed.ts (vite.config.ts).
import type { TextCode } from './text-code.tsx';

export const loadTextCode = (): Promise<typeof TextCode> =>
  import('./text-code.tsx').then((module) => module.TextCode);
