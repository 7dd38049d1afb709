import {
  test, expect, signUpPortal, newBrowserContext, openPage, settle, shot, waitForLive, takePanics, uid, PASSWORD,
  type Portal,
} from './helpers';
import type { BrowserContext, Page } from '@playwright/test';

/**
 * The whole joining story, one step per test, sharing two browsers: the administrator's and
 * the invited colleague's (separate cookies, as on two machines).
 */
test.describe.serial('inviting a colleague', () => {
  let adminContext: BrowserContext;
  let colleagueContext: BrowserContext;
  let admin: Page;
  let colleague: Page;
  let portal: Portal;
  let inviteLink: string;
  const id = uid();
  const colleagueName = `Grace Colleague ${id}`;
  const colleagueEmail = `grace.${id}@example.com`;

  test.beforeAll(async ({ browser, baseURL }) => {
    adminContext = await newBrowserContext(browser, baseURL!);
    colleagueContext = await newBrowserContext(browser, baseURL!);
    admin = await adminContext.newPage();
    colleague = await colleagueContext.newPage();
  });

  test.afterAll(async () => {
    await adminContext?.close();
    await colleagueContext?.close();
  });

  test('the administrator creates an invitation and gets its link', async () => {
    portal = await signUpPortal(admin);
    await openPage(admin, `${portal.origin}/admin/people`);
    await expect(admin.getByRole('heading', { name: 'Invite people', level: 1 })).toBeVisible();
    await expect(admin.getByText('No invitations yet')).toBeVisible();

    await admin.getByTestId('invite-email').fill(colleagueEmail);
    await admin.locator('select[name=role]').selectOption('employee');
    await admin.getByRole('button', { name: 'Send invitation' }).click();

    await expect(admin.getByText(`Invitation created for ${colleagueEmail}.`)).toBeVisible();
    const link = admin.getByTestId('invite-link');
    await expect(link).toHaveValue(/\/invite\/[^/]+$/);
    inviteLink = await link.inputValue();
    // The link points at this portal's own host.
    expect(new URL(inviteLink).origin).toBe(portal.origin);

    // The invitation is listed as pending.
    const row = admin.locator('table.table tbody tr', { hasText: colleagueEmail });
    await expect(row).toContainText('Employee');
    await expect(row).toContainText('Pending');
    await expect(admin.getByTestId('bell-count')).toHaveText('0');
    await shot(admin, 'desktop-invitation-link');
  });

  test('the colleague accepts in another browser; the admin bell goes up live', async () => {
    // Mark the admin's page: if it reloaded or navigated, the mark would be gone.
    await admin.evaluate(() => { (window as unknown as { __stillHere: boolean }).__stillHere = true; });
    const adminNavigations: string[] = [];
    admin.on('framenavigated', (frame) => {
      if (frame === admin.mainFrame()) adminNavigations.push(frame.url());
    });
    await waitForLive(admin);
    await expect(admin.getByTestId('bell-count')).toHaveClass(/hidden/);

    await openPage(colleague, inviteLink, { live: false });
    await expect(colleague.getByRole('heading', { name: `Join ${portal.company}` })).toBeVisible();
    await expect(colleague.getByText(`${portal.adminName} invited you as employee.`)).toBeVisible();
    await expect(colleague.getByLabel('E-mail')).toHaveValue(colleagueEmail);
    await colleague.locator('input[name=name]').fill(colleagueName);
    await colleague.locator('input[name=password]').fill(PASSWORD);
    await colleague.getByRole('button', { name: 'Join' }).click();

    await expect(colleague).toHaveURL(`${portal.origin}/`);
    await expect(colleague.getByRole('heading', { name: 'Feed', level: 1 })).toBeVisible();
    await settle(colleague);
    await expect(colleague.locator('.profile-name')).toHaveText(colleagueName);

    // The administrator's open page shows the new notification without any reload.
    const count = admin.getByTestId('bell-count');
    await expect(count).toHaveText('1');
    await expect(count).not.toHaveClass(/hidden/);
    await expect(admin.getByTestId('bell')).toHaveAttribute('aria-label', 'Notifications, 1 unread');
    expect(await admin.evaluate(() => (window as unknown as { __stillHere?: boolean }).__stillHere)).toBe(true);
    expect(adminNavigations).toEqual([]);
    expect(takePanics(admin)).toEqual([]);

    // The bell lists what happened.
    await admin.getByTestId('bell').click();
    await expect(admin.locator('.dropdown.open .notice', {
      hasText: `${colleagueName} accepted your invitation and joined ${portal.company}`,
    })).toBeVisible();
    await shot(admin, 'desktop-bell-after-join');
  });

  test('the used invitation link no longer works', async ({ browser, baseURL }) => {
    const stranger = await newBrowserContext(browser, baseURL!);
    try {
      const page = await stranger.newPage();
      await openPage(page, inviteLink, { live: false });
      await expect(page.getByRole('alert')).toHaveText('This link has expired or was already used.');
      await expect(page.getByRole('button', { name: 'Join' })).toHaveCount(0);
    } finally {
      await stranger.close();
    }
  });

  test('both see each other in the directory', async () => {
    for (const [page, me, other] of [
      [admin, portal.adminName, colleagueName],
      [colleague, colleagueName, portal.adminName],
    ] as const) {
      await openPage(page, `${portal.origin}/people`);
      await expect(page.getByRole('heading', { name: 'Employees', level: 1 })).toBeVisible();
      const people = page.getByTestId('person');
      await expect(people).toHaveCount(2);
      await expect(people.filter({ hasText: me })).toHaveCount(1);
      await expect(people.filter({ hasText: other })).toHaveCount(1);
    }

    // Searching narrows the list, and a card opens the profile.
    await openPage(admin, `${portal.origin}/people?q=${encodeURIComponent('Grace')}`);
    await expect(admin.getByTestId('person')).toHaveCount(1);
    await admin.getByTestId('person').filter({ hasText: colleagueName }).click();
    await expect(admin).toHaveURL(/\/people\/\d+$/);
    await expect(admin.getByRole('heading', { name: colleagueName, level: 1 })).toBeVisible();

    // The invitation is now marked as joined.
    await openPage(admin, `${portal.origin}/admin/people`);
    await expect(admin.locator('table.table tbody tr', { hasText: colleagueEmail })).toContainText('Joined');
  });
});
