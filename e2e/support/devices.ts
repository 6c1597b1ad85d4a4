import type { BrowserContextOptions } from 'playwright-core';

/** A phone in portrait, as Chromium's mobile emulation has it: touch, a mobile viewport, a dense screen. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
};

export const TABLET: BrowserContextOptions = {
  viewport: { width: 820, height: 1180 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
};

/** Where a run that was asked for the full set of screenshots (PARLEY_SCREENS_DIR) keeps them; unset otherwise. */
export const SCREENS_DIR = process.env.PARLEY_SCREENS_DIR;
