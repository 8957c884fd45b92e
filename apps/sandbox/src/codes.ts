// The code a merchant renders (docs/antom-notes.md §4; D13.7): `orderCodeForm.codeDetails` holds up to four
// entries, `TEXT` being the raw value and `SMALLIMAGE` / `MIDDLEIMAGE` / `BIGIMAGE` an image URL of the
// same code. QR methods answer the text and three images, bank transfers the text only, and one method
// (GCash, see methods.ts) images only, so a merchant's image-only path is exercised here before it meets
// Antom. The images are SVG QR codes of the wallet URL, served by the sandbox itself.
import { correction, generate } from 'lean-qr';
import { toSvgSource } from 'lean-qr/extras/svg';
import type { CodeDetail } from '@paydesk/antom';
import type { PaymentMethod } from './methods.ts';

/** The image sizes Antom names, and the pixel side the sandbox draws each at. */
export const CODE_IMAGE_SIZES = Object.freeze({
  SMALLIMAGE: { file: 'small', pixels: 160 },
  MIDDLEIMAGE: { file: 'middle', pixels: 240 },
  BIGIMAGE: { file: 'big', pixels: 360 },
});

export type CodeImageFile = (typeof CODE_IMAGE_SIZES)[keyof typeof CODE_IMAGE_SIZES]['file'];

/** Which renderings a method's pay answer carries (methods.ts `codeDetails`, with a default by display). */
export function codeRenderings(method: PaymentMethod): 'TEXT' | 'TEXT_AND_IMAGES' | 'IMAGES_ONLY' {
  return method.codeDetails ?? (method.display === 'QR' ? 'TEXT_AND_IMAGES' : 'TEXT');
}

/** The image URL of a payment's code at one size. */
export function codeImageUrl(publicUrl: string, token: string, file: CodeImageFile): string {
  return `${publicUrl}/sandbox/codes/${token}/${file}.svg`;
}

/** `orderCodeForm.codeDetails` for a payment: the text first (when the method has one), then images. */
export function codeDetailsFor(
  method: PaymentMethod,
  codeValue: string,
  imageUrl: (file: CodeImageFile) => string,
): CodeDetail[] {
  const renderings = codeRenderings(method);
  const details: CodeDetail[] = renderings === 'IMAGES_ONLY' ? [] : [{ codeValue, displayType: 'TEXT' }];
  if (renderings !== 'TEXT') {
    for (const [displayType, size] of Object.entries(CODE_IMAGE_SIZES)) {
      details.push({ codeValue: imageUrl(size.file), displayType: displayType as CodeDetail['displayType'] });
    }
  }
  return details;
}

/** The pixel side of an image file name, or undefined for a name the sandbox does not serve. */
export function imagePixels(file: string): number | undefined {
  return Object.values(CODE_IMAGE_SIZES).find((size) => size.file === file)?.pixels;
}

/** An SVG QR of `value`, `pixels` wide, with the standard four-module quiet zone in white. */
export function qrSvg(value: string, pixels: number): string {
  const code = generate(value, { minCorrectionLevel: correction.M });
  return toSvgSource(code, { width: pixels, height: pixels, pad: 4, on: '#000', off: '#fff' });
}
