// The shape of a drawn QR code, apart from the encoder, so the PNG saver (loaded on demand) needs no encoder.

/** Modules of white border around the code (the QR standard asks for four). */
export const QUIET_ZONE = 4;

export interface QrDrawing {
  /** Modules per side, without the quiet zone. */
  size: number;
  /** The SVG viewBox side (size + 2 × quiet zone). */
  box: number;
  /** SVG path data for the dark modules, in module units, offset by the quiet zone. */
  path: string;
  /** Rows of modules, true = dark. */
  matrix: boolean[][];
}
