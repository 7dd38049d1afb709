import type { Page } from '@playwright/test';
import { test, expect, signUpPortal, openPage, shot } from './helpers';

async function noSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'the page must not scroll sideways').toBeLessThanOrEqual(0);
}

test.describe('phone width (390×844)', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

  test('the shell hides the menu until "Open menu" is tapped', async ({ page }) => {
    await openPage(page, '/signup', { live: false });
    await expect(page.getByRole('button', { name: 'Create portal' })).toBeVisible();
    await noSidewaysScroll(page);
    await shot(page, 'phone-signup');

    const portal = await signUpPortal(page);
    const menu = page.locator('nav.sidebar');
    const toggle = page.getByRole('button', { name: 'Open menu' });

    // Closed: the menu is off-canvas, the page itself fits the screen.
    await expect(page.getByRole('heading', { name: 'Feed', level: 1 })).toBeVisible();
    await expect(menu).not.toBeInViewport();
    await expect(toggle).toBeVisible();
    await expect(page.locator('.profile-name')).toBeHidden();
    await noSidewaysScroll(page);
    await shot(page, 'phone-shell-menu-closed');

    // Open: the menu slides in over a dimmed page.
    await toggle.tap();
    await expect(menu).toBeInViewport({ ratio: 0.99 });
    await expect(page.locator('.scrim')).toBeVisible();
    await expect(menu.getByRole('link', { name: 'Company' })).toBeVisible();
    await expect(menu.locator('.brand-name')).toHaveText(portal.company);
    await page.waitForTimeout(300); // let the slide-in transition finish for the picture
    await shot(page, 'phone-shell-menu-open');

    // Tapping the dimmed page closes it.
    await page.locator('.scrim').click({ position: { x: 370, y: 400 } });
    await expect(menu).not.toBeInViewport();

    // Choosing a destination navigates and closes the menu.
    await toggle.tap();
    await expect(menu).toBeInViewport({ ratio: 0.99 });
    await menu.getByRole('link', { name: 'Company' }).tap();
    await expect(page).toHaveURL(`${portal.origin}/people`);
    await expect(page.getByRole('heading', { name: 'Employees', level: 1 })).toBeVisible();
    await expect(menu).not.toBeInViewport();
    await noSidewaysScroll(page);
    await shot(page, 'phone-people');

    // The bell's list fits the screen.
    await page.getByTestId('bell').tap();
    const list = page.locator('.bell .dropdown.open');
    await expect(list).toBeVisible();
    await expect(list).toBeInViewport({ ratio: 0.99 });
    await shot(page, 'phone-bell-open');
  });
});

test.describe('desktop width', () => {
  test('the menu is always shown and there is no "Open menu" button', async ({ page }) => {
    await signUpPortal(page);
    await expect(page.locator('nav.sidebar')).toBeInViewport({ ratio: 0.99 });
    await expect(page.getByRole('button', { name: 'Open menu' })).toBeHidden();
    await expect(page.locator('.profile-name')).toBeVisible();
    await shot(page, 'desktop-feed');
  });
});
