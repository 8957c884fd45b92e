// The merchant's brand on the buyer's pages (D15): name, logo, accent colour, support and legal links.
// The accent colour fills buttons under white text, so a colour whose contrast with white is under 4.5:1
// (WCAG 2.1 AA for normal text) is refused at start rather than shipped unreadable.

export interface Branding {
  logoUrl: string | null;
  /** `#rrggbb`, lower case. */
  accentColor: string | null;
  supportEmail: string | null;
  supportUrl: string | null;
  termsUrl: string | null;
  privacyUrl: string | null;
}

export const NO_BRANDING: Branding = {
  logoUrl: null,
  accentColor: null,
  supportEmail: null,
  supportUrl: null,
  termsUrl: null,
  privacyUrl: null,
};

/** `#abc` or `#aabbcc` as `#aabbcc`, or null when it is not a hex colour. */
export function normaliseHex(value: string): string | null {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (!match) return null;
  const hex = match[1]!.toLowerCase();
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
}

/** WCAG 2.1 relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const channel = (index: number) => {
    const value = parseInt(hex.slice(1 + index * 2, 3 + index * 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** The contrast ratio of `#rrggbb` against white text (1 to 21). */
export function contrastWithWhite(hex: string): number {
  return 1.05 / (luminance(hex) + 0.05);
}

type Env = Record<string, string | undefined>;

/** Reads the MERCHANT_* branding settings; every problem goes to `problems` (config lists them all at once). */
export function readBranding(env: Env, problems: string[]): Branding {
  const link = (name: string, allowPath: boolean): string | null => {
    const raw = env[name]?.trim();
    if (!raw) return null;
    if (allowPath && /^\/(?!\/)/.test(raw)) return raw;
    try {
      const url = new URL(raw);
      if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
    } catch {
      // reported below
    }
    problems.push(
      `${name} must be an http(s) URL${allowPath ? ' or a path on this server' : ''} (got "${raw}")`,
    );
    return null;
  };
  let accentColor: string | null = null;
  const accent = env.MERCHANT_ACCENT_COLOR?.trim();
  if (accent) {
    accentColor = normaliseHex(accent);
    if (!accentColor)
      problems.push(`MERCHANT_ACCENT_COLOR must be a hex colour such as #0b57d0 (got "${accent}")`);
    else if (contrastWithWhite(accentColor) < 4.5) {
      problems.push(
        `MERCHANT_ACCENT_COLOR ${accentColor} has a contrast of ${contrastWithWhite(accentColor).toFixed(2)}:1 ` +
          'with white text; buttons need at least 4.5:1 — choose a darker colour',
      );
      accentColor = null;
    }
  }
  const email = env.MERCHANT_SUPPORT_EMAIL?.trim() || null;
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    problems.push(`MERCHANT_SUPPORT_EMAIL must be an e-mail address (got "${email}")`);
  return {
    logoUrl: link('MERCHANT_LOGO_URL', true),
    accentColor,
    supportEmail: email && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null,
    supportUrl: link('MERCHANT_SUPPORT_URL', false),
    termsUrl: link('MERCHANT_TERMS_URL', false),
    privacyUrl: link('MERCHANT_PRIVACY_URL', false),
  };
}
