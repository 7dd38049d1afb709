import { defineConfig } from '@playwright/test';
import * as path from 'node:path';

/**
 * Agora's browser tests. They drive Debian's Chromium (no Playwright browser download) against
 * a running server whose bare address is AGORA_E2E_URL (scripts/e2e.sh starts one on a fresh
 * database). Portals other than the default one live at http://<slug>.localhost:<port>, which
 * Chromium resolves to the loopback address by itself.
 */
const baseURL = process.env.AGORA_E2E_URL ?? 'http://localhost:3000';
const resultsDir = path.join(__dirname, 'test-results');

export default defineConfig({
  testDir: 'tests',
  outputDir: path.join(resultsDir, 'artifacts'),
  // One worker: the tests share one server, and the first portal signed up becomes the default.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  globalSetup: './tests/global-setup.ts',
  reporter: [
    ['list'],
    ['json', { outputFile: path.join(resultsDir, 'results.json') }],
  ],
  use: {
    baseURL,
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // Calls: a synthetic camera and microphone, allowed without asking.
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        '--autoplay-policy=no-user-gesture-required',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
});
