import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

/** A password the rules accept: ≥ 10 characters, letters and a digit or symbol. */
export const PASSWORD = 'correct-horse-1';

/** A short id unique to this run, safe in portal addresses and e-mail addresses. */
export function uid(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** The address of portal `slug` on the server under test: http://<slug>.localhost:<port>. */
export function portalOrigin(baseURL: string, slug: string): string {
  const u = new URL(baseURL);
  return `${u.protocol}//${slug}.${u.host}`;
}

/**
 * Marks the window once the wasm bundle is instantiated. The bundle's loader calls `hydrate()`
 * in the same chain of microtasks, so by the time a test sees the mark the page is interactive.
 */
const HYDRATION_PROBE = `(() => {
  const mark = (p) => p.then((r) => { window.__agoraWasmReady = true; return r; });
  const streaming = WebAssembly.instantiateStreaming;
  if (streaming) WebAssembly.instantiateStreaming = function (...a) { return mark(streaming.apply(this, a)); };
  const plain = WebAssembly.instantiate;
  WebAssembly.instantiate = function (...a) { return mark(plain.apply(this, a)); };
})();`;

/** Every page of the test's own context gets the hydration probe. */
export const test = base.extend({
  context: async ({ context }, use) => {
    await context.addInitScript(HYDRATION_PROBE);
    await use(context);
  },
});
export { expect };

/** A second, independent browser (own cookies), e.g. for the invited colleague. */
export async function newBrowserContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  await context.addInitScript(HYDRATION_PROBE);
  return context;
}

/** Waits until the wasm is loaded and the page hydrated (forms are then handled in the page). */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { __agoraWasmReady?: boolean }).__agoraWasmReady === true);
  // Let any work queued by hydration run.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
}

/** Waits for the signed-in shell: hydrated, and the realtime connection up (the green dot). */
export async function waitForLive(page: Page): Promise<void> {
  await expect(page.locator('.live-dot.on')).toBeVisible({ timeout: 15_000 });
}

export interface Portal {
  origin: string;
  slug: string;
  company: string;
  adminName: string;
  adminEmail: string;
  password: string;
}

export interface SignUpInput {
  company: string;
  slug: string;
  name: string;
  email: string;
  password: string;
}

/** Fills and submits the sign-up form on the page's current host (waits for hydration first). */
export async function fillSignUp(page: Page, input: SignUpInput): Promise<void> {
  await page.goto('/signup');
  await expect(page.getByRole('heading', { name: "Create your company's portal" })).toBeVisible();
  await waitForHydration(page);
  await page.locator('input[name=company]').fill(input.company);
  await page.locator('input[name=slug]').fill(input.slug);
  await page.locator('input[name=name]').fill(input.name);
  await page.locator('input[name=email]').fill(input.email);
  await page.locator('input[name=password]').fill(input.password);
  await page.getByRole('button', { name: 'Create portal' }).click();
}

/** Signs up a new portal and returns once its administrator sees the Feed, signed in and live. */
export async function signUpPortal(page: Page, overrides: Partial<SignUpInput> = {}): Promise<Portal> {
  const id = uid();
  const input: SignUpInput = {
    company: `Acme ${id}`,
    slug: `acme-${id}`,
    name: `Ada Admin ${id}`,
    email: `ada@acme-${id}.example.com`,
    password: PASSWORD,
    ...overrides,
  };
  await fillSignUp(page, input);
  await expect(page.getByRole('heading', { name: 'Feed', level: 1 })).toBeVisible({ timeout: 20_000 });
  await waitForLive(page);
  return {
    origin: new URL(page.url()).origin,
    slug: input.slug,
    company: input.company,
    adminName: input.name,
    adminEmail: input.email,
    password: input.password,
  };
}
