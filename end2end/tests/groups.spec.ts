import {
  expect,
  inviteColleague,
  newBrowserContext,
  openPage,
  pick,
  shot,
  signUpPortal,
  test,
  uid,
} from './helpers';
import type { BrowserContext, Page } from '@playwright/test';

/**
 * Workgroups: an employee creates a closed project, which a colleague cannot see until the
 * owner adds them; then the colleague sees it and its members.
 */
test.describe.serial('groups', () => {
  let ownerContext: BrowserContext;
  let colleagueContext: BrowserContext;
  let owner: Page;
  let colleague: Page;
  let origin = '';
  const colleagueName = `Gus Green ${uid()}`;
  const groupName = `Website relaunch ${uid()}`;

  test.beforeAll(async ({ browser, baseURL }) => {
    ownerContext = await newBrowserContext(browser, baseURL!);
    colleagueContext = await newBrowserContext(browser, baseURL!);
    owner = await ownerContext.newPage();
    colleague = await colleagueContext.newPage();
  });

  test.afterAll(async () => {
    await ownerContext?.close();
    await colleagueContext?.close();
  });

  test('a closed project is created, and the colleague does not see it', async () => {
    const portal = await signUpPortal(owner);
    origin = portal.origin;
    await inviteColleague(owner, origin, colleague, colleagueName);

    await openPage(owner, `${origin}/groups`);
    await expect(owner.getByText("You're not in any group yet")).toBeVisible();
    await owner.getByLabel('Name').fill(groupName);
    await owner.getByLabel('What it is for').fill('New site by spring: design, copy and the move to the new CMS.');
    await owner.getByLabel('Closed: only members see it').check();
    await owner.getByRole('button', { name: 'Create group' }).click();
    await expect(owner.getByRole('heading', { name: groupName, level: 1 })).toBeVisible();
    await expect(owner.locator('.member-row')).toHaveCount(1);
    await expect(owner.locator('.member-row')).toContainText('Owner');

    await openPage(colleague, `${origin}/groups`);
    await expect(colleague.getByText("You're not in any group yet")).toBeVisible();
    await expect(colleague.getByText(groupName)).toHaveCount(0);
  });

  test('the owner adds the colleague, who then sees the group', async () => {
    await pick(owner.locator('.card', { hasText: 'Add people' }).getByRole('combobox'), colleagueName);
    await owner.getByRole('button', { name: 'Add to group' }).click();
    await expect(owner.locator('.member-row')).toHaveCount(2);
    await expect(owner.locator('.member-row', { hasText: colleagueName })).toBeVisible();
    await shot(owner, 'desktop-group-page');

    await openPage(colleague, `${origin}/groups`);
    await expect(colleague.getByRole('link', { name: groupName })).toBeVisible();
    await shot(colleague, 'desktop-groups-list');
    await colleague.getByRole('link', { name: groupName }).click();
    await expect(colleague.getByRole('heading', { name: groupName, level: 1 })).toBeVisible();
    // A member sees the members but manages nothing.
    await expect(colleague.getByRole('button', { name: 'Add to group' })).toHaveCount(0);
    await expect(colleague.getByRole('button', { name: 'Leave group' })).toBeVisible();
  });

  test('a post addressed to the group reaches its member', async () => {
    await openPage(owner, `${origin}/`);
    await owner.getByRole('button', { name: /Share news/ }).click();
    await owner.getByLabel('Post text').fill('Kick-off for the relaunch on Monday at ten.');
    await owner.locator('.recipients .chip', { hasText: 'All employees' }).getByRole('button', { name: 'Remove' }).click();
    await owner.getByRole('button', { name: '+ Add' }).click();
    await owner.getByLabel('Find a department, group or person').fill('relaunch');
    await owner.getByRole('option', { name: new RegExp(groupName) }).click();
    await expect(owner.locator('.recipients .chip', { hasText: groupName })).toBeVisible();
    await owner.getByRole('button', { name: 'Post', exact: true }).click();
    await expect(owner.locator('.post', { hasText: 'Kick-off for the relaunch' })).toContainText(groupName);

    await openPage(colleague, `${origin}/`);
    await expect(colleague.locator('.post', { hasText: 'Kick-off for the relaunch' })).toBeVisible();

    // The group's feed tab renders its posts on the server: the HTML already holds the post,
    // not "No posts" for the browser to swap out after hydration.
    await openPage(colleague, `${origin}/groups`);
    const href = `${await colleague.getByRole('link', { name: groupName }).getAttribute('href')}?tab=feed`;
    // Fetched from the page (the browser resolves *.localhost; Node does not), with its cookie.
    const html = await colleague.evaluate(async (url) => (await fetch(url)).text(), `${origin}${href}`);
    expect(html).toContain('Kick-off for the relaunch');
    expect(html).not.toContain('No posts in this group yet');
    await openPage(colleague, `${origin}${href}`);
    await expect(colleague.locator('.group-feed .post', { hasText: 'Kick-off for the relaunch' })).toBeVisible();
    await shot(colleague, 'desktop-group-feed');
  });
});
