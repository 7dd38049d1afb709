import {
  expect,
  inviteColleague,
  makePng,
  newBrowserContext,
  openPage,
  pick,
  shot,
  signUpPortal,
  test,
  uid,
} from './helpers';
import type { BrowserContext, Page, WebSocketRoute } from '@playwright/test';

/**
 * The messenger with three people in three browsers: a one-to-one conversation live both ways
 * with typing and "seen", a group chat with unread counters, a picture, and a socket cut by the
 * test — what was said meanwhile arrives once, after the reconnection.
 */
test.describe.serial('chat', () => {
  let contexts: BrowserContext[] = [];
  let ann: Page;
  let eve: Page;
  let bob: Page;
  let origin = '';
  let groupChatUrl = '';
  const eveName = `Eve Stone ${uid()}`;
  const bobName = `Bob Reed ${uid()}`;
  const groupName = `Launch crew ${uid()}`;

  // Eve's realtime socket passes through the test, which can cut it (the last test).
  let blocked = false;
  const sockets: WebSocketRoute[] = [];

  test.beforeAll(async ({ browser, baseURL }) => {
    contexts = await Promise.all([0, 1, 2].map(() => newBrowserContext(browser, baseURL!)));
    [ann, eve, bob] = await Promise.all(contexts.map((c) => c.newPage()));
    await eve.routeWebSocket(/\/ws$/, (ws) => {
      if (blocked) {
        ws.close();
        return;
      }
      sockets.push(ws);
      ws.connectToServer();
    });
  });

  test.afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
  });

  async function send(page: Page, text: string): Promise<void> {
    const box = page.getByTestId('chat-composer').getByRole('textbox', { name: 'Message' });
    await box.fill(text);
    await box.press('Enter');
  }

  const thread = (page: Page) => page.getByTestId('chat-thread');

  test('three colleagues', async () => {
    const portal = await signUpPortal(ann);
    origin = portal.origin;
    await inviteColleague(ann, origin, eve, eveName);
    await inviteColleague(ann, origin, bob, bobName);
  });

  test('one-to-one: live both ways, typing, unread and "seen"', async () => {
    await openPage(eve, `${origin}/chat`);
    await expect(eve.getByText('Your conversations')).toBeVisible();
    await openPage(ann, `${origin}/people`);
    await ann.getByRole('link', { name: eveName }).first().click();
    await ann.getByTestId('open-chat').click();
    await expect(ann).toHaveURL(/\/chat\/\d+$/);
    await expect(ann.getByTestId('chat-title')).toHaveText(eveName);
    // Eve's tab is open (in the background here, so she shows as away rather than offline).
    await expect(ann.getByTestId('chat-subtitle')).toHaveText(/^(Online|Away)$/);

    await send(ann, 'Hello **Eve**, the plan is at https://example.com/plan');
    const row = eve.getByTestId('chat-list').locator('.chat-row', { hasText: /Ada Admin/ });
    await expect(row.locator('.counter')).toHaveText('1');
    await expect(eve.getByTestId('chat-counter')).toHaveText('1');
    await expect(row).toContainText('Hello Eve, the plan is at');

    // A hidden tab does not mark messages read: Eve looks at hers.
    await eve.bringToFront();
    await row.click();
    const first = thread(eve).getByTestId('chat-message').last();
    await expect(first.locator('strong')).toHaveText('Eve');
    await expect(first.getByRole('link', { name: 'https://example.com/plan' })).toHaveAttribute('href', 'https://example.com/plan');
    // Opening the chat read it: the counters clear, and Ann sees it was seen.
    await expect(eve.getByTestId('chat-counter')).toHaveCount(0);
    await expect(ann.getByTestId('seen-by')).toHaveText('Seen');

    await eve.getByTestId('chat-composer').getByRole('textbox', { name: 'Message' }).pressSequentially('Hi An', { delay: 30 });
    await expect(ann.getByTestId('typing')).toHaveText('Eve is typing…');
    await eve.getByTestId('chat-composer').getByRole('textbox', { name: 'Message' }).press('Enter');
    await expect(thread(ann).getByTestId('chat-message').last()).toContainText('Hi An');
    await expect(ann.getByTestId('typing')).toHaveText('');
    await shot(ann, 'desktop-chat-direct');
  });

  test('a group chat of three: unread counters, replies live, a picture', async () => {
    await openPage(bob, `${origin}/chat`);
    await openPage(ann, `${origin}/chat/new`);
    await ann.getByLabel('Name').fill(groupName);
    const picker = ann.getByTestId('chat-people').getByRole('combobox');
    await pick(picker, eveName);
    await pick(picker, bobName);
    const chips = ann.getByTestId('chat-people').locator('.chip');
    await expect(chips).toHaveCount(2);
    await expect(chips.nth(0)).toContainText(eveName);
    await expect(chips.nth(1)).toContainText(bobName);
    await shot(ann, 'desktop-chat-new');
    await ann.getByRole('button', { name: 'Create chat' }).click();
    await expect(ann.getByTestId('chat-title')).toHaveText(groupName);
    groupChatUrl = ann.url();
    await expect(thread(ann).locator('.chat-system')).toContainText('created the chat');
    await send(ann, 'Kick-off tomorrow at 10');

    for (const page of [bob, eve]) {
      const row = page.getByTestId('chat-list').locator('.chat-row', { hasText: groupName });
      await expect(row.locator('.counter')).toHaveText('2');
      await expect(page.getByTestId('chat-counter')).toHaveText('2');
    }
    await bob.bringToFront();
    await bob.getByTestId('chat-list').locator('.chat-row', { hasText: groupName }).click();
    await expect(bob.getByTestId('unread-divider')).toBeVisible();
    await expect(bob.getByTestId('chat-counter')).toHaveCount(0);
    await expect(bob.getByTestId('chat-subtitle')).toContainText('3 members');
    await send(bob, 'Works for me');
    await expect(thread(ann).getByTestId('chat-message').last()).toContainText('Works for me');
    await expect(ann.getByTestId('seen-by')).toHaveCount(0);
    // Eve still has both unread.
    await expect(eve.getByTestId('chat-list').locator('.chat-row', { hasText: groupName }).locator('.counter')).toHaveText('3');

    // A picture: shown as a preview to everyone.
    await ann.getByTestId('chat-composer').locator('input[type=file]').setInputFiles({
      name: 'whiteboard.png',
      mimeType: 'image/png',
      buffer: makePng(320, 200),
    });
    await expect(ann.locator('.pending-file', { hasText: 'whiteboard.png' })).toBeVisible();
    await ann.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(thread(bob).locator('.album img')).toBeVisible();
    await expect(thread(ann).locator('.album img')).toBeVisible();
    const src = await thread(bob).locator('.album img').getAttribute('src');
    expect(await bob.evaluate(async (url) => (await fetch(url!)).status, src)).toBe(200);
    await shot(bob, 'desktop-chat-group');

    // The owner gives the chat a picture from the people panel; the others see it live.
    await ann.getByRole('button', { name: 'People' }).click();
    const panel = ann.getByRole('complementary', { name: 'People in this chat' });
    await panel.locator('input[type=file]').setInputFiles({
      name: 'team.png',
      mimeType: 'image/png',
      buffer: makePng(200, 200),
    });
    await expect(ann.locator('.chat-head img')).toBeVisible();
    await expect(bob.locator('.chat-head img')).toBeVisible();
    await expect(panel.getByRole('button', { name: 'Remove picture' })).toBeVisible();
    await shot(ann, 'desktop-chat-people');
  });

  test('a cut socket: what was said meanwhile arrives once, after the reconnection', async () => {
    await eve.getByTestId('chat-list').locator('.chat-row', { hasText: groupName }).click();
    await expect(eve).toHaveURL(groupChatUrl);
    await expect(thread(eve).locator('.album img')).toBeVisible();
    // The network drops: the socket closes, and neither it nor requests get through for a while.
    blocked = true;
    await eve.context().setOffline(true);
    await Promise.all(sockets.map((s) => s.close()));
    await send(ann, 'Missed one');
    await send(ann, 'Missed two');
    await expect(thread(ann).getByTestId('chat-message').last()).toContainText('Missed two');
    await eve.waitForTimeout(1000);
    await expect(thread(eve).getByText('Missed one')).toHaveCount(0);
    // The network is back: the socket reconnects (with back-off) and the chat catches up.
    blocked = false;
    await eve.context().setOffline(false);
    await expect(thread(eve).getByText('Missed one')).toHaveCount(1, { timeout: 40_000 });
    await expect(thread(eve).getByText('Missed two')).toHaveCount(1);
    await expect(eve.locator('.live-dot.on')).toBeVisible({ timeout: 40_000 });
    // And live again afterwards.
    await send(ann, 'Back again');
    await expect(thread(eve).getByText('Back again')).toHaveCount(1);
  });

  test('on a phone: the list, then the conversation full width with a way back', async () => {
    await bob.setViewportSize({ width: 390, height: 844 });
    await openPage(bob, `${origin}/chat`);
    const row = bob.getByTestId('chat-list').locator('.chat-row', { hasText: groupName });
    await expect(row).toBeVisible();
    await shot(bob, 'phone-chat-list');
    await row.click();
    await expect(thread(bob).getByText('Back again')).toBeVisible();
    await expect(bob.getByTestId('chat-list')).toBeHidden();
    await shot(bob, 'phone-chat-thread');
    await bob.getByRole('link', { name: 'All chats' }).click();
    await expect(row).toBeVisible();
  });
});
