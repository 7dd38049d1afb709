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
  let groupId = '';
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
    await inviteColleague(owner, origin, member, memberName);

    await openPage(owner, `${origin}/groups`);
    await owner.getByLabel('Name').fill(projectName);
    await owner.getByLabel("It's a project").check();
    await owner.getByRole('button', { name: 'Create group' }).click();
    await expect(owner.getByRole('heading', { name: projectName, level: 1 })).toBeVisible();
    await pick(owner.locator('.card', { hasText: 'Add people' }).getByRole('combobox'), memberName);
    await owner.getByRole('button', { name: 'Add to group' }).click();
    await expect(owner.locator('.member-row')).toHaveCount(2);
    groupId = new URL(owner.url()).pathname.split('/').pop()!;
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
    await pick(owner.getByTestId('task-responsible'), memberName, 'mia');
    await pick(owner.getByTestId('task-group'), projectName, 'spring');
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

  test('dragging a Gantt bar moves the task, and the member sees the new dates live', async () => {
    const day = 86_400_000;
    const today = Math.floor(Date.now() / day) * day;
    const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const design = await call(owner, 'create_task', {
      form: { title: 'Design the stand', group: Number(groupId), start_at: today + day, end_at: today + 4 * day },
    });
    const build = await call(owner, 'create_task', {
      form: { title: 'Build the stand', group: Number(groupId), start_at: today + 6 * day, end_at: today + 9 * day },
    });
    const venue = await call(owner, 'create_task', {
      form: { title: 'Book the venue', group: Number(groupId), deadline: today - day },
    });
    await call(owner, 'link_tasks', { predecessor: design, successor: build, kind: 'finish_to_start' });

    const chart = `${origin}/tasks/gantt?group=${groupId}&zoom=day`;
    await openPage(owner, chart);
    await openPage(member, chart);
    const bar = (page: Page, id: number) => page.locator(`.gantt-bar[data-task="${id}"]`);
    await expect(bar(owner, design)).toHaveAttribute('data-start', date(today + day));
    await expect(bar(owner, venue)).toHaveClass(/bar-overdue/);
    await expect(bar(owner, design)).toHaveClass(/bar-new/);
    await expect(owner.locator('.gantt-link')).toHaveCount(1);
    // The member did not create these tasks: their bars cannot be dragged.
    await expect(bar(member, design)).not.toHaveAttribute('data-movable', /.*/);

    // Drag two days (36 px a day at this zoom) to the right.
    const box = (await bar(owner, design).locator('rect.bar').boundingBox())!;
    await owner.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await owner.mouse.down();
    await owner.mouse.move(box.x + box.width / 2 + 72, box.y + box.height / 2, { steps: 8 });
    await expect(owner.getByTestId('gantt-status')).toContainText('Design the stand');
    await owner.mouse.up();
    await expect(bar(owner, design)).toHaveAttribute('data-start', date(today + 3 * day));
    await expect(bar(owner, design)).toHaveAttribute('data-end', date(today + 6 * day));
    // The member's chart follows without a reload.
    await expect(bar(member, design)).toHaveAttribute('data-start', date(today + 3 * day));
    await shot(member, 'desktop-gantt');

    // One more day would end it after "Build the stand" starts: refused, the bar goes back.
    const width = await bar(owner, design).locator('rect.bar').getAttribute('width');
    const moved = (await bar(owner, design).locator('rect.bar').boundingBox())!;
    await owner.mouse.move(moved.x + moved.width - 2, moved.y + moved.height / 2);
    await owner.mouse.down();
    await owner.mouse.move(moved.x + moved.width - 2 + 36, moved.y + moved.height / 2, { steps: 4 });
    await owner.mouse.up();
    await expect(owner.getByRole('alert')).toContainText('Build the stand');
    await expect(bar(owner, design)).toHaveAttribute('data-end', date(today + 6 * day));
    await expect(bar(owner, design).locator('rect.bar')).toHaveAttribute('width', width!);

    // From the keyboard: → moves "Build the stand" a day later; focus stays on its bar.
    await bar(owner, build).focus();
    await owner.keyboard.press('ArrowRight');
    await expect(bar(owner, build)).toHaveAttribute('data-start', date(today + 7 * day));
    await expect(bar(owner, build)).toBeFocused();
    await expect(bar(member, build)).toHaveAttribute('data-start', date(today + 7 * day));
  });

  test('a weekly template: created once, used by hand, scheduled for next week', async () => {
    await openPage(owner, `${origin}/tasks`);
    await owner.getByTestId('templates-link').click();
    await expect(owner.getByRole('heading', { name: 'Task templates', level: 1 })).toBeVisible();
    await expect(owner.getByText('No templates yet')).toBeVisible();
    await owner.getByTestId('new-template').first().click();
    await expect(owner.getByRole('heading', { name: 'New template', level: 1 })).toBeVisible();
    await owner.getByTestId('template-name').fill('Weekly report');
    await owner.getByTestId('task-title').fill('Write the weekly report');
    await pick(owner.getByTestId('task-responsible'), memberName);
    await owner.getByTestId('template-deadline-days').fill('2');
    await owner.getByTestId('template-repeat').selectOption('weekly');
    const nextWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await owner.getByTestId('template-first').fill(`${nextWeek}T09:00`);
    await owner.getByTestId('task-checklist').fill('Numbers\nRisks');
    await owner.getByTestId('task-save').click();
    await expect(owner.getByRole('heading', { name: 'Task templates', level: 1 })).toBeVisible();
    const row = owner.getByTestId('template-row');
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('template-schedule')).toContainText('Every week · next');
    await shot(owner, 'desktop-task-templates');

    // Used by hand: the task is there at once, for the member too.
    await row.getByTestId('use-template').click();
    await expect(owner.getByRole('heading', { name: 'Write the weekly report', level: 1 })).toBeVisible();
    await expect(owner.getByTestId('checklist-progress')).toHaveText('0 of 2 done');
    await openPage(member, `${origin}/tasks`);
    await expect(member.getByTestId('task-row').filter({ hasText: 'Write the weekly report' })).toBeVisible();
  });

  test('the project board by stage: the owner adds stages and moves a task into one', async () => {
    await openPage(owner, `${origin}/tasks?section=all&group=${groupId}&view=board`);
    await owner.getByTestId('columns-stages').click();
    await expect(owner.getByTestId('column-none')).toBeVisible();
    for (const name of ['Design', 'Build']) {
      await owner.getByTestId('stage-name').fill(name);
      await owner.getByTestId('add-stage').click();
      await expect(owner.locator('.board-title', { hasText: name })).toBeVisible();
    }
    const card = owner.getByTestId('board-card').filter({ hasText: 'Design the stand' });
    const design = owner.locator('.board-column', { has: owner.locator('.board-title', { hasText: 'Design' }) });
    await card.dragTo(design);
    await expect(design.getByTestId('board-card').filter({ hasText: 'Design the stand' })).toBeVisible();
    await expect(owner.getByTestId('column-none').getByTestId('board-card').filter({ hasText: 'Design the stand' })).toHaveCount(0);
    await shot(owner, 'desktop-board-stages');
  });

  test('pickers search as one types: the filters, and the task form at phone width', async () => {
    await openPage(owner, `${origin}/tasks?section=all&status=any`);
    await owner.getByRole('button', { name: 'More filters' }).click();
    const responsible = owner.getByRole('combobox', { name: 'Responsible' });
    const project = owner.getByRole('combobox', { name: 'Project or group' });
    await pick(responsible, memberName, 'mia');
    await project.click();
    await project.pressSequentially('spr', { delay: 20 });
    await expect(owner.locator(`#${await project.getAttribute('aria-controls')}`).getByRole('option')).toHaveCount(1);
    await shot(owner, 'desktop-tasks-filter-picker');
    // From the keyboard: ↓ is already on the one match, Enter picks it.
    await project.press('Enter');
    await expect(project).toHaveValue(projectName);
    await expect(project).toHaveAttribute('aria-expanded', 'false');
    await owner.getByRole('button', { name: 'Apply' }).click();
    await expect(owner).toHaveURL(new RegExp(`group=${groupId}`));
    await expect(owner).toHaveURL(/responsible=\d+/);
    await expect(owner.getByTestId('task-row').filter({ hasText: title })).toBeVisible();
    await expect(responsible).toHaveValue(memberName);
    // The server names the chosen person and project: they are in the page's HTML (fetched
    // from the page: portal host names resolve in the browser only).
    const html = await owner.evaluate(async (url) => (await fetch(url)).text(), owner.url());
    expect(html).toContain(`value="${memberName}"`);
    expect(html).toContain(`value="${projectName}"`);
    // Nobody matches: the list says so.
    await responsible.click();
    await responsible.fill('zzzz');
    await expect(owner.getByRole('status').filter({ hasText: 'No matches' })).toBeVisible();
    await responsible.press('Escape');
    await shot(owner, 'desktop-tasks-filters');

    await owner.setViewportSize({ width: 390, height: 844 });
    await openPage(owner, `${origin}/tasks?section=all&status=any&responsible=${new URL(owner.url()).searchParams.get('responsible')}&group=${groupId}`);
    await expect(owner.getByRole('combobox', { name: 'Responsible' })).toHaveValue(memberName);
    await shot(owner, 'phone-tasks-filters');
    await openPage(owner, `${origin}/tasks/new?group=${groupId}`);
    await expect(owner.getByTestId('task-group')).toHaveValue(projectName);
    const helpers = owner.getByTestId('task-accomplices').getByRole('combobox');
    await pick(helpers, memberName, 'mi');
    await expect(owner.getByTestId('task-accomplices').locator('.chip')).toContainText(memberName);
    await owner.getByTestId('task-responsible').click();
    await owner.getByTestId('task-responsible').fill('a');
    await expect(owner.locator('#task-responsible-list').getByRole('option').first()).toBeVisible();
    expect(await owner.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await shot(owner, 'phone-task-form-picker');
    await owner.setViewportSize({ width: 1280, height: 800 });
    await openPage(owner, `${origin}/tasks/new`);
    await shot(owner, 'desktop-task-form');

    // Delegating: the picker opens focused, offers everyone but the responsible, hands over
    // on the pick.
    await openPage(owner, taskUrl);
    await owner.getByTestId('delegate').click();
    const to = owner.getByTestId('delegate-to');
    await expect(to).toBeFocused();
    await to.fill('moss');
    await expect(owner.getByRole('status').filter({ hasText: 'No matches' })).toBeVisible();
    await to.fill('ada');
    const ada = owner.locator('#delegate-to-list').getByRole('option').first();
    await expect(ada).toBeVisible();
    await shot(owner, 'desktop-task-delegate');
    await ada.click();
    await expect(owner.locator('.task-fact', { hasText: 'Responsible' })).toContainText('Ada Admin');
    await expect(owner.locator('.task-fact', { hasText: 'Responsible' })).not.toContainText(memberName);
  });
});

/** Calls a server function from the page, as the signed-in user. */
async function call(page: Page, endpoint: string, body: unknown): Promise<number> {
  return page.evaluate(
    async ([endpoint, body]) => {
      const response = await fetch(`/api/${endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${endpoint}: ${response.status} ${await response.text()}`);
      return response.json();
    },
    [endpoint, body] as const,
  );
}
