// Codes drawn on a canvas and offered as PNG files (no image host, so no CSP question).
import { QUIET_ZONE, type QrDrawing } from '../lib/qr-types.ts';

/** Draws the code on a canvas (no image loading, so no CSP question) and downloads it as a PNG. */
export function saveQrPng(qr: QrDrawing, fileName: string): void {
  const scale = 10;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = qr.box * scale;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = '#000';
  qr.matrix.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) g.fillRect((x + QUIET_ZONE) * scale, (y + QUIET_ZONE) * scale, scale, scale);
    }),
  );
  canvas.toBlob((blob) => blob && download(blob, fileName), 'image/png');
}

/** Offers `blob` to the buyer as a file named `fileName`. */
export function download(blob: Blob, fileName: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/**
 * A typed code as a picture for the phone's gallery (D15: bank-transfer and konbini codes live for
 * days): who and how much, the code large, and the deadline. Drawn on a canvas, so no image host is needed.
 */
export function saveTextCodePng(
  card: { title: string; label: string; code: string; lines: string[] },
  fileName: string,
): void {
  const width = 720;
  const height = 360 + card.lines.length * 40;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');
  if (!g) return;
  const sans = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif';
  g.fillStyle = '#fff';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#15181e';
  g.font = `600 30px ${sans}`;
  g.fillText(card.title, 40, 70, width - 80);
  g.fillStyle = '#586170';
  g.font = `24px ${sans}`;
  g.fillText(card.label, 40, 140, width - 80);
  g.fillStyle = '#15181e';
  g.font = `700 52px ui-monospace, Menlo, Consolas, monospace`;
  g.fillText(card.code, 40, 210, width - 80);
  g.font = `24px ${sans}`;
  card.lines.forEach((line, index) => g.fillText(line, 40, 280 + index * 40, width - 80));
  canvas.toBlob((blob) => blob && download(blob, fileName), 'image/png');
}
