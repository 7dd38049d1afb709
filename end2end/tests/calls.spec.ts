import { expect, inviteColleague, newBrowserContext, openPage, shot, signUpPortal, test, uid } from './helpers';
import type { BrowserContext, Page } from '@playwright/test';

/**
 * A video call between two people in two browsers (Chromium's synthetic camera and
 * microphone): the call rings the other side, both see each other's video, muting shows, and
 * the call keeps going while one of them moves to another page. Hanging up ends it for both,
 * and the chat's history says so.
 */
test.describe.serial('calls', () => {
  let contexts: BrowserContext[] = [];
  let ann: Page;
  let eve: Page;
  let origin = '';
  let adminName = '';
  const eveName = `Eve Stone ${uid()}`;

  test.beforeAll(async ({ browser, baseURL }) => {
    contexts = await Promise.all([0, 1].map(() => newBrowserContext(browser, baseURL!)));
    [ann, eve] = await Promise.all(contexts.map((c) => c.newPage()));
  });

  test.afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
  });

  /** The video of `user`'s tile is playing real frames. */
  async function expectVideo(page: Page, name: string): Promise<void> {
    const video = page.getByTestId('call-tile').filter({ hasText: name }).locator('video');
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBeGreaterThan(0);
  }

  test('two colleagues', async () => {
    const portal = await signUpPortal(ann);
    origin = portal.origin;
    adminName = portal.adminName;
    await inviteColleague(ann, origin, eve, eveName);
  });

  test('a call rings, connects both ways and survives moving to another page', async () => {
    await openPage(eve, `${origin}/tasks`);
    await openPage(ann, `${origin}/people`);
    await ann.getByRole('link', { name: eveName }).first().click();
    await ann.getByTestId('open-chat').click();
    await expect(ann.getByTestId('chat-title')).toHaveText(eveName);

    await ann.getByRole('button', { name: 'Call', exact: true }).click();
    const annWindow = ann.getByTestId('call-window');
    await expect(annWindow).toContainText(eveName);
    await expect(ann.getByTestId('in-call')).toBeVisible();

    // Eve is elsewhere in Agora: the call rings there.
    const ringing = eve.getByTestId('call-ringing');
    await expect(ringing).toContainText(`${adminName} is calling you`);
    await shot(eve, 'desktop-call-ringing');
    await ringing.getByRole('button', { name: 'Join' }).click();
    const eveWindow = eve.getByTestId('call-window');
    await expect(eveWindow.getByTestId('call-tile')).toHaveCount(2);
    await expect(annWindow.getByTestId('call-tile')).toHaveCount(2);

    // Each sees the other's camera, sent browser to browser.
    await expectVideo(ann, eveName);
    await expectVideo(eve, adminName);
    await expect(annWindow.getByTestId('call-tile').filter({ hasText: eveName })).not.toContainText('Connecting');
    await expect(annWindow).toContainText(/\d\d:\d\d/);
    await shot(ann, 'desktop-call');

    // Muting is shown on one's own tile; the clock runs on.
    await eveWindow.getByRole('button', { name: 'Mute' }).click();
    await expect(eveWindow.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
    await expect(eveWindow.getByTestId('call-tile').filter({ hasText: 'You' })).toContainText('muted');

    // The window folds to its bar (the sound goes on) and opens again.
    await eveWindow.getByRole('button', { name: 'Smaller' }).click();
    await expect(eveWindow.getByTestId('call-tile').first()).toBeHidden();
    await expect(eveWindow.getByRole('button', { name: 'Leave' })).toBeVisible();
    await shot(eve, 'desktop-call-compact');
    await eveWindow.getByRole('button', { name: 'Larger' }).click();
    await expect(eveWindow.getByTestId('call-tile').first()).toBeVisible();

    // Moving to another page keeps the call (the window belongs to the shell).
    await eve.getByRole('link', { name: /^Feed/ }).first().click();
    await expect(eve.getByRole('heading', { name: 'Feed', level: 1 })).toBeVisible();
    await expect(eveWindow.getByTestId('call-tile')).toHaveCount(2);
    await expectVideo(eve, adminName);
    // The call's clock runs.
    await expect(eveWindow.locator('.call-status')).toHaveText(/^00:(0[1-9]|[1-5]\d)$/, { timeout: 5_000 });

    // On a phone the window spans the screen's width, above the bottom edge.
    await eve.setViewportSize({ width: 390, height: 844 });
    const box = await eveWindow.boundingBox();
    expect(box!.width).toBeGreaterThan(360);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await shot(eve, 'phone-call');
    await eve.setViewportSize({ width: 1280, height: 800 });
  });

  test('leaving ends the call for both, and the history says so', async () => {
    await eve.getByTestId('call-window').getByRole('button', { name: 'Leave' }).click();
    await expect(eve.getByTestId('call-window')).toHaveCount(0);
    // Ann is alone: Eve's tile goes.
    await expect(ann.getByTestId('call-window').getByTestId('call-tile')).toHaveCount(1);
    await ann.getByTestId('call-window').getByRole('button', { name: 'Leave' }).click();
    await expect(ann.getByTestId('call-window')).toHaveCount(0);
    const lines = ann.getByTestId('chat-thread').locator('.chat-system');
    await expect(lines.filter({ hasText: 'started a call' })).toHaveCount(1);
    await expect(lines.last()).toContainText('Call ended');
    await expect(ann.getByRole('button', { name: 'Call', exact: true })).toBeVisible();
  });
});
