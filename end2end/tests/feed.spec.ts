import {
  test, expect, signUpPortal, newBrowserContext, openPage, settle, shot, uid, PASSWORD, takePanics,
  type Portal,
} from './helpers';
import type { BrowserContext, Page } from '@playwright/test';

/**
 * The live feed between two people in two browsers: a post with a mention, a comment and a
 * reaction, each seen by the other without reloading.
 */
test.describe.serial('live feed', () => {
  let adminContext: BrowserContext;
  let colleagueContext: BrowserContext;
  let admin: Page;
  let colleague: Page;
  let portal: Portal;
  const id = uid();
  const colleagueName = `Grace Hopper ${id}`;
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

  test('a new colleague appears in the feed as having joined', async () => {
    portal = await signUpPortal(admin);
    await openPage(admin, `${portal.origin}/admin/people`);
    await admin.getByTestId('invite-email').fill(colleagueEmail);
    await admin.locator('select[name=role]').selectOption('employee');
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    const link = await admin.getByTestId('invite-link').inputValue();

    await openPage(admin, `${portal.origin}/`);
    await openPage(colleague, link, { live: false });
    await colleague.locator('input[name=name]').fill(colleagueName);
    await colleague.locator('input[name=password]').fill(PASSWORD);
    await colleague.getByRole('button', { name: 'Join' }).click();
    await expect(colleague.getByRole('heading', { name: 'Feed', level: 1 })).toBeVisible();
    await settle(colleague);

    // The admin's open feed offers the new entry without moving what they read.
    await admin.getByRole('button', { name: /1 new post/ }).click();
    await expect(admin.locator('.post', { hasText: colleagueName })).toContainText('joined the portal');
  });

  test('a post with a mention appears live for the colleague, who is notified', async () => {
    await admin.getByRole('button', { name: /Share news/ }).click();
    const editor = admin.getByLabel('Post text');
    await editor.fill('Please welcome our new colleague ');
    await editor.pressSequentially('@Grace');
    await expect(admin.getByRole('option', { name: new RegExp(colleagueName) })).toBeVisible();
    await shot(admin, 'desktop-feed-composer-mention');
    await admin.getByRole('option', { name: new RegExp(colleagueName) }).click();
    await editor.pressSequentially('— **glad** to have you!');
    await admin.getByRole('button', { name: 'Post', exact: true }).click();

    const mine = admin.locator('.post', { hasText: 'Please welcome our new colleague' });
    await expect(mine).toBeVisible();
    await expect(mine.locator('a.mention')).toHaveText(`@${colleagueName}`);
    await expect(mine.locator('strong')).toHaveText('glad');

    // Live on the other side: the bar, then the post; the mention rings the bell.
    const started = Date.now();
    await colleague.getByRole('button', { name: /1 new post/ }).click();
    const theirs = colleague.locator('.post', { hasText: 'Please welcome our new colleague' });
    await expect(theirs).toBeVisible();
    test.info().annotations.push({ type: 'latency', description: `post seen live after ${Date.now() - started} ms` });
    await expect(colleague.getByTestId('bell-count')).toHaveText('1');
    await shot(colleague, 'desktop-feed-live-post');
  });

  test('a comment and a reaction reach the author live', async () => {
    const theirs = colleague.locator('.post', { hasText: 'Please welcome our new colleague' });
    await theirs.getByLabel('Comment').fill('Thank you, happy to be here!');
    await theirs.getByRole('button', { name: 'Send' }).click();
    await expect(theirs.locator('.comment')).toContainText('Thank you, happy to be here!');
    const bar = theirs.locator('.post-actions');
    await bar.getByRole('button', { name: 'Like', exact: true }).click();
    await expect(bar.getByRole('button', { name: /Like/ })).toHaveAttribute('aria-pressed', 'true');

    const mine = admin.locator('.post', { hasText: 'Please welcome our new colleague' });
    await expect(mine.locator('.comment')).toContainText('Thank you, happy to be here!');
    const summary = mine.locator('.post-actions .reaction-summary');
    await expect(summary).toContainText('👍 1');
    await summary.click();
    await expect(mine.locator('.post-actions .who-reacted')).toContainText(colleagueName);
    expect(takePanics(admin)).toEqual([]);
    expect(takePanics(colleague)).toEqual([]);
    await shot(admin, 'desktop-feed-comment-reaction');
  });
});
