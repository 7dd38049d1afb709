import { test, expect, signUpPortal, openPage, settle, portalOrigin } from './helpers';

test.describe('sign-up', () => {
  test('signs up a portal and lands on its own host, signed in', async ({ page, baseURL }) => {
    const portal = await signUpPortal(page);

    // The new portal lives on its own address and the handoff token is gone from the URL.
    expect(portal.origin).toBe(portalOrigin(baseURL!, portal.slug));
    expect(new URL(page.url()).pathname).toBe('/');
    await expect(page.getByText(`Here is what's happening at ${portal.company}.`)).toBeVisible();

    // The shell: menu with every tool, the administrator's name, the bell at zero.
    const menu = page.locator('nav.sidebar');
    await expect(menu.locator('.brand-name')).toHaveText(portal.company);
    for (const tool of ['Feed', 'Tasks', 'Chat', 'CRM', 'Calendar', 'Drive', 'Company', 'Reports']) {
      await expect(menu.getByRole('link', { name: tool })).toBeVisible();
    }
    for (const admin of ['Invite people', 'Departments', 'Portal settings']) {
      await expect(menu.getByRole('link', { name: admin })).toBeVisible();
    }
    await expect(page.locator('.profile-name')).toHaveText(portal.adminName);
    await expect(page.getByTestId('bell-count')).toHaveText('0');
    await expect(page.getByTestId('bell-count')).toHaveClass(/hidden/);

    // The session survives a reload.
    await openPage(page, page.url());
    await expect(page.getByRole('heading', { name: 'Feed', level: 1 })).toBeVisible();

    // The session belongs to this portal's host only: the default portal does not know us.
    await page.goto(`${baseURL}/people`);
    await expect(page).toHaveURL(`${baseURL}/login`);
  });

  test('signs out and signs in again', async ({ page }) => {
    const portal = await signUpPortal(page);

    await page.locator('.profile-btn').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(`${portal.origin}/login`);
    await settle(page, { live: false });

    await page.locator('input[name=email]').fill(portal.adminEmail);
    await page.locator('input[name=password]').fill(portal.password);
    await page.getByLabel('Keep me signed in for 30 days').check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Feed', level: 1 })).toBeVisible();
    expect(new URL(page.url()).origin).toBe(portal.origin);
    await settle(page);
    await expect(page.locator('.profile-name')).toHaveText(portal.adminName);
  });
});
