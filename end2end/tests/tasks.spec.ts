import {
  PASSWORD,
  expect,
  newBrowserContext,
  openPage,
  settle,
  shot,
  signUpPortal,
  test,
  uid,
} from './helpers';
import type { BrowserContext, Page } from '@playwright/test';

/**
 * Tasks: a project with a member; the owner assigns the member an overdue task with a
 * checklist; the member's counters change live, the overdue task is coloured, the checklist
 * is worked, and the task is moved on the board — which the owner sees without reloading.
 */
test.describe.serial('tasks', () => {
  let ownerContext: BrowserContext;
  let memberContext: BrowserContext;
  let owner: Page;
  let member: Page;
  let origin = '';
  let taskUrl = '';
  const memberName = `Mia Moss ${uid()}`;
  const projectName = `Spring launch ${uid()}`;
  const title = 'Prepare the press kit';

  test.beforeAll(async ({ browser, baseURL }) => {
    ownerContext = await newBrowserContext(browser, baseURL!);
    memberContext = await newBrowserContext(browser, baseURL!);
    owner = await ownerContext.newPage();
    member = await memberContext.newPage();
  });

  test.afterAll(async () => {
    await ownerContext?.close();
    await memberContext?.close();
  });

  test('a project with a member', async () => {
    const portal = await signUpPortal(owner);
    origin = portal.origin;
    await openPage(owner, `${origin}/admin/people`);
    await owner.getByTestId('invite-email').fill(`mia-${uid()}@example.com`);
    await owner.locator('select[name=role]').selectOption('employee');
    await owner.getByRole('button', { name: 'Send invitation' }).click();
    const link = await owner.getByTestId('invite-link').inputValue();
    await openPage(member, link, { live: false });
    await member.locator('input[name=name]').fill(memberName);
    await member.locator('input[name=password]').fill(PASSWORD);
    await member.getByRole('button', { name: 'Join' }).click();
    await expect(member.getByRole('heading', { name: 'Feed', level: 1 })).toBeVisible();
    await settle(member);

    await openPage(owner, `${origin}/groups`);
    await owner.getByLabel('Name').fill(projectName);
    await owner.getByLabel("It's a project").check();
    await owner.getByRole('button', { name: 'Create group' }).click();
    await expect(owner.getByRole('heading', { name: projectName, level: 1 })).toBeVisible();
    await owner.locator('.card', { hasText: 'Add people' }).locator('select').selectOption({ label: memberName });
    await owner.getByRole('button', { name: 'Add to group' }).click();
    await expect(owner.locator('.member-row')).toHaveCount(2);
  });

  test('an overdue task with a checklist lights up the member’s counters live', async () => {
    await openPage(member, `${origin}/tasks`);
    await expect(member.getByText('Nothing on your plate')).toBeVisible();
    await expect(member.getByTestId('tasks-counter')).toHaveCount(0);

    await openPage(owner, `${origin}/tasks`);
    await owner.getByTestId('new-task').click();
    await expect(owner.getByRole('heading', { name: 'New task', level: 1 })).toBeVisible();
    await owner.getByTestId('task-title').fill(title);
    await owner.getByLabel('Description').fill('Logos, photos and the founders’ quotes, in one folder.');
    await owner.getByTestId('task-responsible').selectOption({ label: memberName });
    await owner.getByTestId('task-group').selectOption({ label: projectName });
    // Yesterday at noon: already overdue.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await owner.getByTestId('task-deadline').fill(`${yesterday}T12:00`);
    await owner.getByTestId('task-checklist').fill('Collect the logos\nPick five photos\nWrite the fact sheet');
    await owner.getByTestId('task-save').click();
    await expect(owner.getByRole('heading', { name: title, level: 1 })).toBeVisible();
    await expect(owner.getByTestId('checklist-progress')).toHaveText('0 of 3 done');
    taskUrl = owner.url();

    // Overdue and not yet viewed: the member's menu shows it without a reload, in red.
    await expect(member.getByTestId('tasks-counter')).toHaveText('2');
    await expect(member.getByTestId('tasks-counter')).toHaveClass(/counter-red/);
    await expect(member.getByTestId('count-overdue')).toContainText('1');
    await expect(member.getByTestId('task-row')).toHaveCount(1);
    const row = member.getByTestId('task-row');
    await expect(row).toHaveClass(/task-overdue/);
    await expect(row.locator('.deadline')).toHaveClass(/deadline-overdue/);
    await expect(row.locator('.unseen-dot')).toBeVisible();
    await expect(row.locator('.checklist-progress')).toHaveText('☑ 0/3');
    await shot(member, 'desktop-tasks-list');
  });

  test('the member works the checklist; viewing clears "not viewed"', async () => {
    await member.getByRole('link', { name: title }).click();
    await expect(member.getByRole('heading', { name: title, level: 1 })).toBeVisible();
    await expect(member.getByTestId('tasks-counter')).toHaveText('1');
    await member.getByTestId('checklist-box').first().check();
    await expect(member.getByTestId('checklist-progress')).toHaveText('1 of 3 done');
    await expect(member.locator('.checklist-item.done')).toContainText('Collect the logos');
    await expect(member.locator('.checklist-item.done')).toContainText(memberName);
    // Time: a timer that ticks, and time entered by hand.
    await member.getByTestId('timer-start').click();
    await expect(member.getByTestId('timer-stop')).toContainText('Stop timer · 0:00:0');
    await member.getByTestId('timer-stop').click();
    await expect(member.getByTestId('timer-start')).toBeVisible();
    await member.getByTestId('time-minutes').fill('1:30');
    await member.getByRole('button', { name: 'Add time' }).click();
    await expect(member.getByTestId('time').locator('li').first()).toContainText('1:30 h');
    // The owner's page follows along.
    await expect(owner.getByTestId('checklist-progress')).toHaveText('1 of 3 done');
    await expect(owner.locator('.task-fact', { hasText: 'Time spent' })).toContainText('1:30 h');
    await shot(member, 'desktop-task-page');

    // The project's page lists its tasks, and its feed tells that the task was created.
    await openPage(owner, `${origin}/groups`);
    await owner.getByRole('link', { name: projectName }).click();
    await expect(owner.getByRole('heading', { name: projectName, level: 1 })).toBeVisible();
    await expect(owner.getByTestId('task-row').filter({ hasText: title })).toBeVisible();
    await owner.getByTestId('group-tab-feed').click();
    await expect(owner.locator('.post', { hasText: `created the task “${title}”` })).toBeVisible();
    await shot(owner, 'desktop-project-feed');
    await openPage(owner, taskUrl);
  });

  test('moving the task on the board starts it, and the owner sees it live', async () => {
    await openPage(member, `${origin}/tasks?view=board`);
    const card = member.getByTestId('board-card').filter({ hasText: title });
    await expect(member.getByTestId('column-new').getByTestId('board-card')).toHaveCount(1);
    await card.dragTo(member.getByTestId('column-in_progress'));
    await expect(member.getByTestId('column-in_progress').getByTestId('board-card')).toHaveCount(1);
    await expect(member.getByTestId('column-new').getByTestId('board-card')).toHaveCount(0);
    await shot(member, 'desktop-tasks-board');

    await expect(owner.locator('.task-status-line [data-status]')).toHaveText('In progress');
    // Completing needs no review: done, and out of the counters.
    await openPage(member, taskUrl);
    await member.getByTestId('action-complete').click();
    await expect(member.locator('.task-status-line [data-status]')).toHaveText('Done');
    await expect(member.getByTestId('tasks-counter')).toHaveCount(0);
    await expect(owner.locator('.task-status-line [data-status]')).toHaveText('Done');
  });
});
