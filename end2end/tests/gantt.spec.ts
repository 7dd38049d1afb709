import { expect, inviteColleague, newBrowserContext, openPage, shot, signUpPortal, test, uid } from './helpers';
import type { BrowserContext, Locator, Page } from '@playwright/test';

/**
 * The Gantt chart of a big project (3,000 tasks): the page holds only the rows around the
 * view, scrolling loads more, an arrow to a row far out of view is still drawn, a bar deep in
 * the chart can be dragged and moved from the keyboard, the other viewer sees the move live
 * with only that bar redrawn, and folding works. The board of the same project pages each
 * column on the server.
 */
test.describe.serial('gantt of a big project', () => {
  let ownerContext: BrowserContext;
  let memberContext: BrowserContext;
  let owner: Page;
  let member: Page;
  let origin = '';
  let chart = '';
  let groupId = 0;
  /** Root i (0 ≤ i < ROOTS) is row 5·i; its four subtasks are the rows after it. */
  const ROOTS = 600;
  const roots: number[] = [];
  const subtasks: number[][] = [];
  const day = 86_400_000;
  const today = Math.floor(Date.now() / day) * day;
  const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const rootStart = (i: number) => today - 20 * day + i * 3_600_000;

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

  test('a project of 3,000 tasks with subtasks and dependencies', async () => {
    test.setTimeout(240_000);
    const portal = await signUpPortal(owner);
    origin = portal.origin;
    await inviteColleague(owner, origin, member, `Mo Member ${uid()}`);
    const memberId = (await call(member, 'session', null)).me.user_id;
    groupId = await call(owner, 'create_group', {
      form: { name: `Big launch ${uid()}`, visibility: 'open', is_project: true },
      members: [memberId],
    });
    // Roots an hour apart (so the chart's order is theirs), then four subtasks under each,
    // an hour apart after their root's start.
    roots.push(
      ...(await createMany(owner, ROOTS, (i) => ({
        title: `Stage ${i}`,
        group: groupId,
        start_at: rootStart(i),
        end_at: rootStart(i) + 3 * day,
      }))),
    );
    const flat = await createMany(owner, ROOTS * 4, (k) => {
      const [i, j] = [Math.floor(k / 4), k % 4];
      const start = rootStart(i) + j * 3_600_000;
      return { title: `Step ${i}.${j}`, group: groupId, parent: roots[i], start_at: start, end_at: start + day };
    });
    for (let i = 0; i < ROOTS; i++) subtasks.push(flat.slice(4 * i, 4 * i + 4));
    // From the first row to the last, and between neighbours deep down.
    await call(owner, 'link_tasks', { predecessor: roots[0], successor: roots[ROOTS - 1], kind: 'start_to_start' });
    await call(owner, 'link_tasks', { predecessor: roots[400], successor: roots[402], kind: 'start_to_start' });
    chart = `${origin}/tasks/gantt?group=${groupId}&zoom=day`;
  });

  test('the chart opens with the first rows only, as tall as the whole project', async () => {
    await openPage(owner, chart);
    await expect(bar(owner, roots[0])).toHaveAttribute('data-row', '0');
    const drawn = await owner.locator('.gantt-bar').count();
    expect(drawn).toBeGreaterThan(20);
    expect(drawn).toBeLessThan(200);
    await expect(owner.locator('.gantt-names')).toHaveAttribute('style', /height: ?96000px/);
    // The arrow from the first row to the last is drawn from the start.
    await expect(arrow(owner, roots[0], roots[ROOTS - 1])).toHaveCount(1);
    await shot(owner, 'desktop-gantt-big-top');
  });

  test('scrolling deep loads the rows there, and the arrow from the top still shows', async () => {
    await scrollToRow(owner, 2000);
    await expect(bar(owner, roots[400])).toHaveAttribute('data-row', '2000');
    await expect(owner.locator('.gantt-name', { hasText: 'Stage 400' })).toBeVisible();
    expect(await owner.locator('.gantt-bar').count()).toBeLessThan(300);
    await expect(arrow(owner, roots[400], roots[402])).toHaveCount(1);
    // Near the end: the arrow from row 0 comes down to the last root.
    await scrollToRow(owner, 2990);
    await expect(bar(owner, roots[ROOTS - 1])).toHaveAttribute('data-row', '2995');
    await expect(arrow(owner, roots[0], roots[ROOTS - 1])).toHaveCount(1);
    await expect(bar(owner, roots[0])).toHaveCount(0);
    await shot(owner, 'desktop-gantt-big-deep');
  });

  test('a bar deep in the chart is dragged; the member sees only that bar change, live', async () => {
    const target = subtasks[400][3]; // the last of its siblings: moving it later keeps its row
    const neighbour = subtasks[400][2];
    await openPage(member, chart);
    for (const page of [owner, member]) {
      await scrollToRow(page, 2000);
      await expect(bar(page, target)).toHaveAttribute('data-row', '2004');
    }
    const start = rootStart(400) + 3 * 3_600_000;
    await expect(bar(member, target)).toHaveAttribute('data-start', date(start));
    // Mark the member's neighbouring bar: after the live change it must be the same element.
    await bar(member, neighbour).evaluate((el) => ((el as unknown as { kept: boolean }).kept = true));

    const box = (await bar(owner, target).locator('rect.bar').boundingBox())!;
    await owner.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await owner.mouse.down();
    await owner.mouse.move(box.x + box.width / 2 + 72, box.y + box.height / 2, { steps: 8 });
    await expect(owner.getByTestId('gantt-status')).toContainText('Step 400.3');
    await owner.mouse.up();
    await expect(bar(owner, target)).toHaveAttribute('data-start', date(start + 2 * day));
    await expect(bar(member, target)).toHaveAttribute('data-start', date(start + 2 * day));
    expect(await bar(member, neighbour).evaluate((el) => (el as unknown as { kept?: boolean }).kept)).toBe(true);
  });

  test('from the keyboard, a bar at the edge of the rows loaded moves and keeps the focus', async () => {
    // The last bar loaded below the view: focusing it scrolls it into view, and more rows load.
    const rows = await owner.locator('.gantt-bar').evaluateAll((els) =>
      els.map((el) => Number(el.getAttribute('data-row'))),
    );
    const edge = Math.max(...rows);
    const edgeBar = owner.locator(`.gantt-bar[data-row="${edge}"]`);
    const id = Number(await edgeBar.getAttribute('data-task'));
    const before = await edgeBar.getAttribute('data-start');
    await edgeBar.focus();
    await expect(owner.locator(`.gantt-bar[data-row="${edge + 20}"]`)).toHaveCount(1);
    // The new rows did not take the focus away from it.
    await expect(bar(owner, id)).toBeFocused();
    await owner.keyboard.press('ArrowRight');
    const after = date(Date.parse(before!) + day);
    // A root moved a day later goes down past the 24 roots of that day (120 rows, out of
    // the rows loaded): the chart follows it there, and it keeps the focus.
    await expect(bar(owner, id)).toHaveAttribute('data-start', after);
    await expect(bar(owner, id)).toBeFocused();
    await expect(bar(owner, id)).toBeInViewport();
  });

  test('folding a task deep in the chart hides its subtasks and shortens the chart', async () => {
    await scrollToRow(owner, 2490);
    const row = owner.locator('.gantt-name', { hasText: 'Stage 500' });
    await row.getByRole('button', { name: 'Fold the subtasks' }).click();
    await expect(bar(owner, subtasks[500][0])).toHaveCount(0);
    await expect(owner.locator('.gantt-names')).toHaveAttribute('style', /height: ?95872px/);
    await row.getByRole('button', { name: 'Show the subtasks' }).click();
    await expect(bar(owner, subtasks[500][0])).toHaveCount(1);
  });

  test('on a phone, the chart scrolls deep too', async () => {
    const phone = await ownerContext.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await openPage(phone, chart);
    await shot(phone, 'phone-gantt-big-top');
    await scrollToRow(phone, 1500);
    await expect(bar(phone, roots[300])).toHaveAttribute('data-row', '1500');
    await shot(phone, 'phone-gantt-big-deep');
    await phone.close();
  });

  test('the board counts each column and shows more on demand', async () => {
    await openPage(owner, `${origin}/tasks?section=all&group=${groupId}&view=board`);
    const column = owner.getByTestId('column-new');
    await expect(column.getByTestId('column-count')).toHaveText('3000');
    await expect(column.getByTestId('board-card')).toHaveCount(50);
    await column.getByRole('button', { name: 'Show more' }).click();
    await expect(column.getByTestId('board-card')).toHaveCount(100);
    await shot(owner, 'desktop-board-big');
  });

  function bar(page: Page, id: number): Locator {
    return page.locator(`.gantt-bar[data-task="${id}"]`);
  }

  function arrow(page: Page, from: number, to: number): Locator {
    return page.locator(`.gantt-link[data-from="${from}"][data-to="${to}"]`);
  }
});

/** Scrolls the chart so that row `row` is at the top of its view. */
async function scrollToRow(page: Page, row: number): Promise<void> {
  await page.getByTestId('gantt').evaluate((el, row) => {
    el.scrollTop = row * 32;
  }, row);
}

/** Creates `n` tasks from `form(i)`, a few at a time; their ids in order. */
async function createMany(page: Page, n: number, form: (i: number) => unknown): Promise<number[]> {
  const forms = Array.from({ length: n }, (_, i) => form(i));
  return page.evaluate(async (forms) => {
    const ids: number[] = new Array(forms.length);
    let next = 0;
    const worker = async () => {
      while (next < forms.length) {
        const i = next++;
        const response = await fetch('/api/create_task', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ form: forms[i] }),
        });
        if (!response.ok) throw new Error(`create_task: ${response.status} ${await response.text()}`);
        ids[i] = await response.json();
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    return ids;
  }, forms);
}

/** Calls a server function from the page as the signed-in user (`null`: a form call with no fields). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(page: Page, endpoint: string, body: unknown): Promise<any> {
  return page.evaluate(
    async ([endpoint, body]) => {
      const response = await fetch(`/api/${endpoint}`, {
        method: 'POST',
        headers: {
          'content-type': body === null ? 'application/x-www-form-urlencoded' : 'application/json',
          accept: 'application/json',
        },
        body: body === null ? '' : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${endpoint}: ${response.status} ${await response.text()}`);
      return response.json();
    },
    [endpoint, body] as const,
  );
}
