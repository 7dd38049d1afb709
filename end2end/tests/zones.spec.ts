import { expect, openPage, settle, shot, signUpPortal, test } from './helpers';

/**
 * Dates in the viewer's time zone: a person chooses their zone on their profile, and their
 * deadlines are shown on that clock; a task turning overdue turns the deadline red and lights
 * the menu's counter at that moment, without a reload.
 */
test.describe.serial('time zones', () => {
  test('one’s own zone, and a deadline that passes while the page is open', async ({ page }) => {
    test.setTimeout(90_000);
    const portal = await signUpPortal(page);
    const me = await page.evaluate(async () => {
      const response = await fetch('/api/session', {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      return (await response.json()).me.user_id as number;
    });

    // The profile: the company's zone until one chooses one's own.
    await openPage(page, `${portal.origin}/people/${me}/edit`);
    const zone = page.getByTestId('profile-zone');
    await expect(zone.locator('option:checked')).toHaveText('Same as the company (UTC)');
    await zone.selectOption('Asia/Kolkata');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('profile-zone-shown')).toHaveText('Asia/Kolkata');
    await settle(page);

    // Due in 20 seconds.
    const deadline = await page.evaluate(async () => {
      const at = Date.now() + 20_000;
      const response = await fetch('/api/create_task', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ form: { title: 'Send the invoice', deadline: at } }),
      });
      if (!response.ok) throw new Error(`create_task: ${response.status}`);
      return at;
    });
    // India's clock: UTC + 5:30.
    const india = new Date(deadline + 5.5 * 3_600_000);
    const clock = `${String(india.getUTCHours()).padStart(2, '0')}:${String(india.getUTCMinutes()).padStart(2, '0')}`;

    await openPage(page, `${portal.origin}/tasks`);
    const mark = page.locator('.task-row', { hasText: 'Send the invoice' }).locator('.deadline');
    await expect(mark).toContainText(clock);
    await expect(mark).not.toHaveClass(/deadline-overdue/);
    await expect(page.getByTestId('tasks-counter')).toHaveCount(0);
    await shot(page, 'desktop-tasks-zone-before');

    // The deadline passes: no reload, no event; the page's clock and counters tick over.
    await expect(mark).toHaveClass(/deadline-overdue/, { timeout: 40_000 });
    await expect(page.getByTestId('tasks-counter')).toHaveText('1', { timeout: 15_000 });
    await expect(page.getByTestId('tasks-counter')).toHaveClass(/counter-red/);
    await shot(page, 'desktop-tasks-zone-after');
  });
});
