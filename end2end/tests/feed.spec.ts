import {
  test, expect, signUpPortal, newBrowserContext, openPage, settle, shot, uid, PASSWORD, takePanics, makePng,
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
    // Whom it is for: departments, groups and people searched on the server as one types.
    await admin.getByRole('button', { name: '+ Add' }).click();
    const find = admin.getByLabel('Find a department, group or person');
    await find.fill(colleagueName.slice(0, 4));
    await expect(admin.locator('.recipient-search [role=option]', { hasText: colleagueName })).toBeVisible();
    await shot(admin, 'desktop-feed-recipients');
    await find.press('Escape');
    await admin.locator('.composer input[type=file]').setInputFiles([
      { name: 'team-photo.png', mimeType: 'image/png', buffer: makePng(480, 320) },
      { name: 'office.png', mimeType: 'image/png', buffer: makePng(320, 320) },
    ]);
    await expect(admin.locator('.pending-file img')).toHaveCount(2);
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
    // The pictures form an album of thumbnails; one opens full size.
    await expect(theirs.locator('.album img')).toHaveCount(2);
    await shot(colleague, 'desktop-feed-live-post');
    await theirs.getByRole('button', { name: 'Open team-photo.png' }).click();
    const viewer = colleague.getByRole('dialog', { name: 'team-photo.png' });
    await expect(viewer.locator('img')).toHaveJSProperty('naturalWidth', 480);
    await shot(colleague, 'desktop-feed-picture-viewer');
    // The keyboard works at once: arrows move through the album, Escape closes it.
    await colleague.keyboard.press('ArrowRight');
    await expect(colleague.getByRole('dialog', { name: 'office.png' })).toContainText('2 / 2');
    await colleague.keyboard.press('Escape');
    await expect(colleague.getByRole('dialog')).toHaveCount(0);
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

  test('a poll vote and an announcement confirmation reach the author live', async () => {
    await admin.getByRole('button', { name: /Share news/ }).click();
    await admin.getByRole('tab', { name: 'Poll' }).click();
    await admin.getByLabel('Poll question').fill('Where shall we have the summer party?');
    await admin.getByLabel('Option 1').fill('At the lake');
    await admin.getByLabel('Option 2').fill('On the roof');
    await admin.getByRole('button', { name: 'Post', exact: true }).click();
    const adminPoll = admin.locator('.post', { hasText: 'Where shall we have the summer party?' });
    await expect(adminPoll).toBeVisible();

    await colleague.getByRole('button', { name: /1 new post/ }).click();
    const poll = colleague.locator('.post', { hasText: 'Where shall we have the summer party?' });
    await poll.getByLabel('On the roof').check();
    await poll.getByRole('button', { name: 'Vote' }).click();
    await expect(poll.locator('.poll-result.mine')).toContainText('On the roof');
    await expect(adminPoll.locator('.poll')).toContainText('1 vote');

    await admin.getByRole('button', { name: /Share news/ }).click();
    await admin.getByRole('tab', { name: 'Announcement' }).click();
    await admin.getByLabel('Post text').fill('The office is closed on Friday.');
    await admin.getByRole('button', { name: 'Post', exact: true }).click();
    const mine = admin.locator('.post', { hasText: 'The office is closed on Friday.' });
    await expect(mine.locator('.announcement-bar')).toContainText('Read by 0');

    await colleague.getByRole('button', { name: /1 new post/ }).click();
    const theirs = colleague.locator('.post', { hasText: 'The office is closed on Friday.' });
    await theirs.getByRole('button', { name: "I've read it" }).click();
    await expect(theirs.locator('.announcement-bar')).toContainText('You confirmed');
    await expect(mine.locator('.announcement-bar')).toContainText('Read by 1');
    await mine.getByRole('button', { name: /Read by 1/ }).click();
    await expect(mine.locator('.readers')).toContainText(colleagueName);
    await shot(admin, 'desktop-feed-poll-announcement');
  });

  test('a department-only post stays invisible to someone outside it', async () => {
    // Set up through the API, from the admin's page (Node cannot resolve *.localhost).
    const call = (endpoint: string, body: string, type: string) =>
      admin.evaluate(async ([endpoint, body, type]) => {
        const res = await fetch(`/api/${endpoint}`, { method: 'POST', headers: { 'content-type': type, accept: 'application/json' }, body });
        return { ok: res.ok, json: await res.json() };
      }, [endpoint, body, type]);
    const saved = await call('save_department', 'name=Finance&parent_id=', 'application/x-www-form-urlencoded');
    expect(saved.ok).toBe(true);
    const departments = await call('departments', '', 'application/x-www-form-urlencoded');
    const finance = departments.json.find((d: { name: string }) => d.name === 'Finance').id;
    const created = await call('create_post', JSON.stringify({
      kind: 'post', body: 'Budget figures for Finance only', recipients: { everyone: false, departments: [finance], people: [] },
    }), 'application/json');
    expect(created.ok).toBe(true);
    const postId = created.json;

    await colleague.waitForTimeout(1500);
    await expect(colleague.getByRole('button', { name: /new post/ })).toHaveCount(0);
    await openPage(colleague, `${portal.origin}/`);
    await expect(colleague.locator('.post', { hasText: 'Budget figures' })).toHaveCount(0);
    await openPage(colleague, `${portal.origin}/feed/${postId}`);
    await expect(colleague.getByText('This post is not available')).toBeVisible();
    // Searching does not reveal it either; the admin, who wrote it, finds it.
    await openPage(colleague, `${portal.origin}/?q=budget`);
    await expect(colleague.getByText('No posts match')).toBeVisible();
    await openPage(admin, `${portal.origin}/`);
    await admin.getByLabel('Search posts and comments').fill('BUDGET figures');
    await admin.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(admin).toHaveURL(/\?q=BUDGET\+figures/);
    await settle(admin);
    await expect(admin.locator('.post')).toHaveCount(1);
    await expect(admin.locator('.post')).toContainText('Budget figures for Finance only');
    await shot(admin, 'desktop-feed-search');
    // From a profile, that person's posts.
    await openPage(admin, `${portal.origin}/`);
    await admin.locator('.post', { hasText: 'Please welcome our new colleague' }).locator('a.mention').click();
    await expect(admin.getByRole('heading', { name: colleagueName, level: 1 })).toBeVisible();
    await admin.getByRole('link', { name: 'Posts in the feed' }).click();
    await expect(admin.getByText("Showing one person's posts.")).toBeVisible();
    await expect(admin.locator('.post')).toHaveCount(1);
    await expect(admin.locator('.post')).toContainText('joined the portal');
    await openPage(admin, `${portal.origin}/feed/${postId}`);
    await expect(admin.locator('.post')).toContainText('Budget figures for Finance only');
    await expect(admin.locator('.post .addressees')).toContainText('Finance');
  });
});

