// Bank-transfer and konbini codes (S3) are typed by hand, so they are shown in groups of four.

/** "8808123456789012" → "8808 1234 5678 9012"; codes with letters or separators are left as they are. */
export function groupCode(value: string): string {
  if (!/^\d{5,}$/.test(value)) return value;
  return value.replace(/(\d{4})(?=\d)/g, '$1 ');
}
