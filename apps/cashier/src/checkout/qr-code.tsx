// The QR code as inline SVG (S7, S13), and the PNG a phone user may save to scan from their gallery.
import { useMemo } from 'preact/hooks';
import { drawQr } from '../lib/qr.ts';

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
