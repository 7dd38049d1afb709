import { execFileSync } from 'node:child_process';
import { expect, openPage, shot, signUpPortal, test } from './helpers';

/**
 * Exports as background jobs: the task list (with the filter on screen) is exported to XLSX;
 * the job's progress turns into a download without a reload, the bell says the export is
 * ready, the file opens in openpyxl with typed cells, and the exports page lists it.
 */
test('a filtered task list exports to XLSX, live, and the file reads back', async ({ page }) => {
  test.setTimeout(120_000);
  const portal = await signUpPortal(page);
  // From the page itself: the portal's host name resolves in the browser only.
  const api = async (endpoint: string, data: unknown) => {
    const answer = await page.evaluate(
      async ([url, body]) => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        return { ok: res.ok, text: await res.text() };
      },
      [`/api/${endpoint}`, JSON.stringify(data)] as const,
    );
    expect(answer.ok, `${endpoint}: ${answer.text}`).toBeTruthy();
    return JSON.parse(answer.text);
  };
  for (const [title, tags] of [
    ['Draft the Q3 budget', ['finance']],
    ['Book the venue', ['events']],
    ['Review supplier invoices', ['finance']],
  ] as const) {
    await api('create_task', { form: { title, tags } });
  }

  // The list filtered by a tag: the export takes what is on screen.
  await openPage(page, `${portal.origin}/tasks?section=all&status=any&tag=finance`);
  await expect(page.getByTestId('task-row')).toHaveCount(2);
  await page.getByTestId('export-button').click();
  await page.getByTestId('export-xlsx').click();
  const job = page.getByTestId('job');
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('job-download')).toBeVisible();
  await expect(page.getByTestId('bell-count')).toHaveText('1');
  await shot(page, 'exports-task-list-done');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('job-download').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^tasks-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const path = test.info().outputPath('tasks.xlsx');
  await download.saveAs(path);
  const read = execFileSync('python3', [
    '-c',
    `import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
print(json.dumps({"freeze": ws.freeze_panes, "rows": [[type(c.value).__name__ for c in row[:2]] + [row[1].value] for row in ws.iter_rows()]}))`,
    path,
  ]).toString();
  const sheet = JSON.parse(read) as { freeze: string; rows: [string, string, string][] };
  expect(sheet.freeze).toBe('A2');
  expect(sheet.rows[0]).toEqual(['str', 'str', 'Title']);
  const titles = sheet.rows.slice(1).map((r) => r[2]).sort();
  expect(titles).toEqual(['Draft the Q3 budget', 'Review supplier invoices']);
  expect(sheet.rows[1].slice(0, 2)).toEqual(['int', 'str']);

  // The notification leads to the exports page, which lists the job with its download.
  await page.getByTestId('bell').click();
  await page.getByRole('link', { name: /Your export is ready/ }).click();
  await expect(page.getByRole('heading', { name: 'Exports', level: 1 })).toBeVisible();
  await expect(page.getByTestId('job')).toHaveCount(1);
  await expect(page.getByTestId('job-download')).toBeVisible();
  await expect(page.locator('.bell .dropdown.open')).toHaveCount(0);
  await shot(page, 'exports-page');
  await page.setViewportSize({ width: 390, height: 844 });
  await openPage(page, `${portal.origin}/exports`);
  await shot(page, 'exports-page-phone');
  await openPage(page, `${portal.origin}/tasks?section=all&status=any&tag=finance`);
  await page.getByTestId('export-button').click();
  await page.getByTestId('export-csv').click();
  await expect(page.getByTestId('job-download')).toBeVisible({ timeout: 30_000 });
  await shot(page, 'exports-task-list-phone');
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('job')).toHaveCount(0);
});
