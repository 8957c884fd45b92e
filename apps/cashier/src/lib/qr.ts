// The QR is drawn on the client from `code.value` (S3, S7): lean-qr encodes (its "nano" build, ~2 KB),
// and we turn the module matrix into one SVG path (runs of dark modules merged), so the code is crisp at
// any size and needs no image host under the page's CSP. The same matrix draws the PNG a phone may save.
import { correction, generate } from 'lean-qr/nano';

import { QUIET_ZONE, type QrDrawing } from './qr-types.ts';

export { QUIET_ZONE, type QrDrawing };

/** Encodes `value` (error correction at least M, as wallets scan reliably from screens) and draws it. */
export function drawQr(value: string): QrDrawing {
  const code = generate(value, { minCorrectionLevel: correction.M });
  const matrix: boolean[][] = [];
  let path = '';
  for (let y = 0; y < code.size; y += 1) {
    const row: boolean[] = [];
    for (let x = 0; x < code.size; x += 1) row.push(code.get(x, y));
    matrix.push(row);
    for (let x = 0; x < code.size; x += 1) {
      if (!row[x]) continue;
      let run = 1;
      while (row[x + run]) run += 1;
      path += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h${run}v1h-${run}z`;
      x += run - 1;
    }
  }
  return { size: code.size, box: code.size + QUIET_ZONE * 2, path, matrix };
}
