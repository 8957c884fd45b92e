// The embed keeps the typed-code view inside embed.js: a chunk sharing Preact with embed.js would load a
// second copy of it whenever the merchant imports embed.js under another URL (a query string, a CDN).
import { TextCode } from './text-code.tsx';

export const loadTextCode = (): Promise<typeof TextCode> => Promise.resolve(TextCode);
