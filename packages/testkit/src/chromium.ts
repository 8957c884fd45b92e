// How every test launches Debian's Chromium through playwright-core (docs/style.md §14, D12.8): headless,
// the machine's flags, and two savings that change nothing a test can see. Dependency-free (types only).
import type { BrowserContextOptions, LaunchOptions } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Playwright's own `--disable-features` list (playwright-core 1.65, its chromiumSwitches). Chromium keeps
 * only the last `--disable-features` it is given, so ours must repeat it; e2e/browser.test.ts fails when a
 * Playwright upgrade adds one we do not repeat.
 */
export const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];

/**
 * Chromium 156 gives every browser context (a window of its own) an omnibox-popup WebUI renderer that a
 * headless test never shows: about a CPU-second per context, half of a spec's browser CPU. It also keeps a
 * spare renderer process warm for the next navigation and, with site isolation, starts another for each
 * site a tab moves to: a spec of 22 tests started 87 renderers, most of them doing nothing (0.14 CPU-s the
 * median). Without them, 55. Isolation between sites is a defence against renderer exploits; what a page
 * may do to another origin (CSP, frame-ancestors, postMessage, storage) is enforced the same without it.
 */
export const OUR_DISABLED_FEATURES = [
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
  'WebUIOmniboxFullPopup',
  'PreloadTopChromeWebUI',
  'SpareRendererForSitePerProcess',
  'IsolateOrigins',
  'site-per-process',
];

/** Launch options: the machine's flags (no sandbox, no GPU, nothing fetched) plus `extraArgs`. */
export function chromiumLaunchOptions(extraArgs: string[] = []): LaunchOptions {
  return {
    executablePath: CHROMIUM,
    args: [
      ...extraArgs,
      `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...OUR_DISABLED_FEATURES].join(',')}`,
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-site-isolation-trials',
    ],
  };
}

/**
 * Context options every test page gets. Endless animations (the cashier's waiting pulse, its spinners) make
 * headless Chromium paint 60 frames a second in every page left waiting; the cashier honours reduced motion
 * (base.css), so pages ask for it. A test that judges motion passes `reducedMotion: 'no-preference'`.
 */
export const STILL_CONTEXT = { reducedMotion: 'reduce' } as const satisfies BrowserContextOptions;
