import { test, expect, signUpPortal, takePanics, waitForLive } from './helpers';

/**
 * Whole-page health: pages hydrate without a wasm panic, log no errors, and the PWA files are
 * served as files. The tests marked `fixme` track app bugs reported to the team; remove the
 * `.fixme` once the bug is fixed.
 */
test.describe('page health', () => {
  // Once a bug: the shell's session came from a resource under a Suspense, the server rendered
  // the page inside it more than once and the browser hydrated against the wrong resource ids
  // ("unreachable" panics). The session now comes with the page (app/src/auth/page_session.rs).
  test('shell pages hydrate without a panic, load after load', async ({ page }) => {
    test.setTimeout(180_000);
    const portal = await signUpPortal(page);
    const found: string[] = [];
    for (const path of ['/', '/?kind=announcement', '/people', '/people?q=Ada', '/admin/people', '/admin/settings', '/company/departments', '/notifications', '/tasks']) {
      for (let i = 0; i < 5; i++) {
        takePanics(page);
        await page.goto(`${portal.origin}${path}`);
        await waitForLive(page);
        await page.waitForTimeout(200);
        found.push(...takePanics(page).map((p) => `${path}: ${p}`));
      }
    }
    expect(found).toEqual([]);
  });

  // APP BUG: /sw.js and /manifest.webmanifest are answered by the app's catch-all route
  // `/:tool` (app/src/shell.rs, ComingSoon) instead of the public files: as text/html (status
  // 200 for visitors, 404 once signed in), so the service worker never registers and the web
  // app manifest is broken.
  test('the service worker and the web app manifest are served as files', async ({ page }) => {
    const portal = await signUpPortal(page);
    for (const [path, type] of [['/sw.js', /javascript/], ['/manifest.webmanifest', /manifest\+json|json/]] as const) {
      const res = await page.goto(`${portal.origin}${path}`); // Node cannot resolve *.localhost
      expect(res!.status(), path).toBe(200);
      expect(res!.headers()['content-type'], path).toMatch(type);
    }
    await page.goto(portal.origin);
    await waitForLive(page);
    const registered = await page.evaluate(async () => {
      const reg = await Promise.race([
        navigator.serviceWorker.ready.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 5000)),
      ]);
      return reg;
    });
    expect(registered).toBe(true);
  });

  // APP BUG: the sign-up form's portal address pattern `[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]`
  // is not valid with the `v` flag browsers now use for `pattern` (a bare `-` at the end of a
  // class must be escaped: `[a-zA-Z0-9\-]`), so Chromium logs an error and ignores the hint.
  test('the sign-up page logs no errors', async ({ page }) => {
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' && !/ServiceWorker|fetching the script|MIME type/.test(m.text())) errors.push(m.text()); });
    await page.goto('/signup');
    await page.locator('input[name=slug]').fill('-bad-');
    expect(await page.locator('input[name=slug]').evaluate((i: HTMLInputElement) => i.validity.patternMismatch)).toBe(true);
    expect(errors).toEqual([]);
  });

  // The pages run under a strict Content-Security-Policy (a nonce for inline scripts, no
  // 'unsafe-inline'): nothing the app does may be blocked by it.
  test('pages hydrate and work under the Content-Security-Policy', async ({ page }) => {
    test.setTimeout(120_000);
    await page.addInitScript(() => {
      (window as any).__violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as any).__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const portal = await signUpPortal(page);
    for (const path of ['/', '/people', '/tasks', '/chat', '/groups', '/admin/settings']) {
      const res = await page.goto(`${portal.origin}${path}`);
      const policy = res!.headers()['content-security-policy'] ?? '';
      expect(policy, path).toContain("'nonce-");
      expect(policy, path).toContain("frame-ancestors 'none'");
      await waitForLive(page);
      expect(await page.evaluate(() => (window as any).__violations), path).toEqual([]);
    }
    // Hydrated and interactive: a client-side navigation works.
    await page.goto(portal.origin);
    await waitForLive(page);
    await page.getByRole('link', { name: 'Tasks' }).first().click();
    await expect(page).toHaveURL(/\/tasks/);
    expect(await page.evaluate(() => (window as any).__violations)).toEqual([]);
  });
});
