// The QR code as inline SVG (S7, S13), and the PNG a phone user may save to scan from their gallery.
import { useMemo } from 'preact/hooks';
import { drawQr, QUIET_ZONE, type QrDrawing } from '../lib/qr.ts';

export function QrCode({ value, label }: { value: string; label: string }) {
  const qr = useMemo(() => drawQr(value), [value]);
  return (
    <svg
      class="pd-qr"
      viewBox={`0 0 ${qr.box} ${qr.box}`}
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
      data-modules={qr.size}
    >
      <rect width={qr.box} height={qr.box} fill="#fff" />
      <path d={qr.path} fill="#000" />
    </svg>
  );
}

/** Draws the code on a canvas (no image loading, so no CSP question) and downloads it as a PNG. */
export function saveQrPng(value: string, fileName: string): void {
  const qr: QrDrawing = drawQr(value);
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
  canvas.toBlob((blob) => {
    if (!blob) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }, 'image/png');
}
