import * as path from 'node:path';
import { test as base, expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';

/** A password the rules accept: ≥ 10 characters, letters and a digit or symbol. */
export const PASSWORD = 'correct-horse-1';

/** Saves a full-page screenshot for people to look at: end2end/test-results/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(__dirname, '..', 'test-results', `${name}.png`), fullPage: true });
}

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

/**
 * Panics of the wasm (Rust `panicked at …`, seen as a console error followed by a page error
 * `unreachable`), per page. A panic during hydration leaves the page half alive: what had not
 * been hydrated yet never reacts again.
 */
const panics = new WeakMap<Page, string[]>();
/** Every console error and page error of every open page, newest last, for failure reports. */
const errorLog = new Map<Page, string[]>();

function watchPage(page: Page): void {
  const seen: string[] = [];
  const errors: string[] = [];
  panics.set(page, seen);
  errorLog.set(page, errors);
  page.on('close', () => errorLog.delete(page));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    errors.push(`${new Date().toISOString()} console: ${m.text().split('\n').slice(0, 3).join(' ')}`);
    if (m.text().includes('panicked at')) seen.push(m.text().split('\n').slice(0, 2).join(' '));
  });
  page.on('pageerror', (e) => {
    errors.push(`${new Date().toISOString()} page error: ${e.message.split('\n')[0]}`);
    if (/unreachable|RuntimeError/.test(e.message)) seen.push(`page error: ${e.message.split('\n')[0]}`);
  });
}

/** The wasm panics seen on `page` since it opened (or since the last `takePanics`). */
export function takePanics(page: Page): string[] {
  const seen = panics.get(page) ?? [];
  return seen.splice(0, seen.length);
}

async function prepareContext(context: BrowserContext): Promise<void> {
  await context.addInitScript(HYDRATION_PROBE);
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
}

/**
 * Every page of the test's own context gets the hydration probe and the panic watch; when a
 * test fails, the console errors of every open page (any context) are printed, since a wasm
 * panic mid-test shows only as a page that stopped reacting.
 */
export const test = base.extend<{ context: BrowserContext; errorReport: void }>({
  context: async ({ context }, use) => {
    await prepareContext(context);
    await use(context);
  },
  errorReport: [
    async ({}, use, testInfo) => {
      await use();
      if (testInfo.status === testInfo.expectedStatus) return;
      const lines = [...errorLog.entries()].flatMap(([page, errors]) => errors.map((e) => `${page.url()} ${e}`));
      if (lines.length > 0) console.log(`browser errors during "${testInfo.title}":\n  ${lines.join('\n  ')}`);
    },
    { auto: true },
  ],
});
export { expect };

/** A second, independent browser (own cookies), e.g. for the invited colleague. */
export async function newBrowserContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  await prepareContext(context);
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

/**
 * Loads `url` in full (server render + hydration) and waits until the page is interactive: the
 * live dot on shell pages (`live`), the wasm otherwise. A wasm panic fails the test.
 */
export async function openPage(page: Page, url: string, { live = true } = {}): Promise<void> {
  takePanics(page);
  await page.goto(url);
  if (live) await waitForLive(page);
  await waitForHydration(page);
  await page.waitForTimeout(100); // console events reach the test a little later
  expect(takePanics(page), `wasm panicked loading ${url}`).toEqual([]);
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

/**
 * After a full page load the test did not start itself (a redirect, a form's hard navigation):
 * waits until the page is interactive; a wasm panic fails the test.
 */
export async function settle(page: Page, { live = true } = {}): Promise<void> {
  if (live) await waitForLive(page);
  await waitForHydration(page);
  await page.waitForTimeout(100);
  expect(takePanics(page), `wasm panicked on ${page.url()}`).toEqual([]);
}

/** Fills and submits the sign-up form on the page's current host (waits for hydration first). */
export async function fillSignUp(page: Page, input: SignUpInput): Promise<void> {
  await openPage(page, '/signup', { live: false });
  await expect(page.getByRole('heading', { name: "Create your company's portal" })).toBeVisible();
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
  await settle(page);
  return {
    origin: new URL(page.url()).origin,
    slug: input.slug,
    company: input.company,
    adminName: input.name,
    adminEmail: input.email,
    password: input.password,
  };
}

/**
 * The administrator invites a colleague as an employee, and the colleague joins in `member`
 * under `name`; returns once the colleague sees the Feed, signed in and live.
 */
export async function inviteColleague(admin: Page, origin: string, member: Page, name: string): Promise<void> {
  await openPage(admin, `${origin}/admin/people`);
  await admin.getByTestId('invite-email').fill(`${name.split(' ')[0].toLowerCase()}-${uid()}@example.com`);
  await admin.locator('select[name=role]').selectOption('employee');
  await admin.getByRole('button', { name: 'Send invitation' }).click();
  const link = await admin.getByTestId('invite-link').inputValue();
  await openPage(member, link, { live: false });
  await member.locator('input[name=name]').fill(name);
  await member.locator('input[name=password]').fill(PASSWORD);
  await member.getByRole('button', { name: 'Join' }).click();
  await expect(member.getByRole('heading', { name: 'Feed', level: 1 })).toBeVisible();
  await settle(member);
}

/** A real PNG picture (a colour gradient), made here so the tests carry no binary files. */
/**
 * Chooses `name` in a picker that searches as one types (`ui::combobox`): types `text` (by
 * default the name itself) into its input, then clicks the choice in the input's own list.
 */
export async function pick(input: Locator, name: string, text: string = name): Promise<void> {
  await input.click();
  await input.fill(text);
  const list = input.page().locator(`#${await input.getAttribute('aria-controls')}`);
  await list.getByRole('option').filter({ hasText: name }).first().click();
}

export function makePng(width: number, height: number): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const zlib = require('zlib') as typeof import('zlib');
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = Math.floor((x * 255) / width);
      row[2 + x * 3] = Math.floor((y * 255) / height);
      row[3 + x * 3] = 180;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
