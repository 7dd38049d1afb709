import type { Page } from '@playwright/test';
import {
  test, expect, signUpPortal, fillSignUp, newBrowserContext, openPage, portalOrigin, uid, PASSWORD,
} from './helpers';

/** Turns off the browser's own form checks, so the server's rules are what is tested. */
async function skipBrowserValidation(page: Page): Promise<void> {
  await page.locator('form').evaluateAll((forms) => forms.forEach((f) => ((f as HTMLFormElement).noValidate = true)));
}

/** Fills the sign-up form on the bare host with the server checks only, and submits it. */
async function submitSignUp(page: Page, fields: Record<string, string>): Promise<void> {
  await openPage(page, '/signup', { live: false });
  await skipBrowserValidation(page);
  for (const [name, value] of Object.entries(fields)) {
    await page.locator(`input[name=${name}]`).fill(value);
  }
  await page.getByRole('button', { name: 'Create portal' }).click();
}

/** A portal address that answers with the "no portal here" page. */
async function expectNoPortal(page: Page, origin: string): Promise<void> {
  // Through the browser: Node does not resolve *.localhost, Chromium does.
  const res = await page.goto(`${origin}/login`);
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`There is no portal at ${new URL(origin).host}`);
}

test.describe('bad input gets a clear error and changes nothing', () => {
  test('a taken portal address is refused', async ({ page, browser, baseURL }) => {
    const owner = await signUpPortal(page);

    const visitor = await newBrowserContext(browser, baseURL!);
    try {
      const other = await visitor.newPage();
      const impostorEmail = `mallory.${uid()}@example.com`;
      await fillSignUp(other, {
        company: 'Impostor Ltd', slug: owner.slug, name: 'Mallory', email: impostorEmail, password: PASSWORD,
      });
      await expect(other.getByRole('alert')).toHaveText(
        `The address "${owner.slug}" is already taken. Please choose another.`,
      );
      // Still on the sign-up form, with what was typed kept for correction.
      expect(new URL(other.url()).pathname).toBe('/signup');
      await expect(other.locator('input[name=company]')).toHaveValue('Impostor Ltd');

      // The same address in other letter case is the same address.
      await other.locator('input[name=slug]').fill(owner.slug.toUpperCase());
      await other.getByRole('button', { name: 'Create portal' }).click();
      await expect(other.getByRole('alert')).toContainText('is already taken');

      // Nothing changed: the impostor cannot sign in to the portal, which keeps its name.
      await openPage(other, `${owner.origin}/login`, { live: false });
      await other.locator('input[name=email]').fill(impostorEmail);
      await other.locator('input[name=password]').fill(PASSWORD);
      await other.getByRole('button', { name: 'Sign in' }).click();
      await expect(other.getByRole('alert')).toHaveText('Wrong e-mail or password.');
      await expect(other).toHaveURL(/\/login$/);
    } finally {
      await visitor.close();
    }

    await openPage(page, page.url());
    await expect(page.locator('nav.sidebar .brand-name')).toHaveText(owner.company);
  });

  test('a weak password is refused and no portal is created', async ({ page, baseURL }) => {
    const slug = `weak-${uid()}`;
    await submitSignUp(page, {
      company: 'Weak Co', slug, name: 'Walter', email: `walter@${slug}.example.com`, password: 'onlyletters',
    });
    await expect(page.getByRole('alert')).toHaveText('The password needs letters and at least one digit or symbol.');
    expect(new URL(page.url()).pathname).toBe('/signup');

    await page.locator('input[name=password]').fill('short-1');
    await page.getByRole('button', { name: 'Create portal' }).click();
    await expect(page.getByRole('alert')).toHaveText('The password needs at least 10 characters.');

    await expectNoPortal(page, portalOrigin(baseURL!, slug));
  });

  test('invalid portal addresses and e-mails are refused', async ({ page, baseURL }) => {
    const id = uid();
    await submitSignUp(page, {
      company: 'Odd Co', slug: `bad_${id}!`, name: 'Olga', email: `olga@${id}.example.com`, password: PASSWORD,
    });
    await expect(page.getByRole('alert')).toHaveText(
      'The portal address needs 3–40 characters: letters a–z, digits and inner hyphens.',
    );

    await page.locator('input[name=slug]').fill('admin');
    await page.getByRole('button', { name: 'Create portal' }).click();
    await expect(page.getByRole('alert')).toHaveText('The address "admin" is reserved. Please choose another.');

    await page.locator('input[name=slug]').fill(`odd-${id}`);
    await page.locator('input[name=email]').fill('olga@nowhere');
    await page.getByRole('button', { name: 'Create portal' }).click();
    await expect(page.getByRole('alert')).toHaveText('"olga@nowhere" is not a valid e-mail address.');

    await page.locator('input[name=email]').fill(`olga@${id}.example.com`);
    await page.locator('input[name=company]').fill('   ');
    await page.getByRole('button', { name: 'Create portal' }).click();
    await expect(page.getByRole('alert')).toHaveText('Please enter the company name.');

    await expectNoPortal(page, portalOrigin(baseURL!, `odd-${id}`));
  });

  test('a wrong password does not sign in', async ({ page, browser, baseURL }) => {
    const portal = await signUpPortal(page);
    const visitor = await newBrowserContext(browser, baseURL!);
    try {
      const other = await visitor.newPage();
      await openPage(other, `${portal.origin}/login`, { live: false });
      await other.locator('input[name=email]').fill(portal.adminEmail);
      await other.locator('input[name=password]').fill('wrong-horse-2');
      await other.getByRole('button', { name: 'Sign in' }).click();
      await expect(other.getByRole('alert')).toHaveText('Wrong e-mail or password.');
      await expect(other).toHaveURL(/\/login$/);
      // Still a visitor: the shell sends them back to sign in.
      await other.goto(`${portal.origin}/people`);
      await expect(other).toHaveURL(/\/login$/);
    } finally {
      await visitor.close();
    }
  });

  test('bad invitations are refused, and a refused join leaves the invitation open', async ({ page, browser, baseURL }) => {
    const portal = await signUpPortal(page);
    await openPage(page, `${portal.origin}/admin/people`);
    await skipBrowserValidation(page);

    const invite = async (email: string) => {
      await page.getByTestId('invite-email').fill(email);
      await page.getByRole('button', { name: 'Send invitation' }).click();
    };
    await invite('someone@nowhere');
    await expect(page.getByRole('alert')).toHaveText('"someone@nowhere" is not a valid e-mail address.');
    await invite(portal.adminEmail);
    await expect(page.getByRole('alert')).toHaveText(`${portal.adminEmail} is already a member of this portal.`);
    await expect(page.getByTestId('invite-link')).toHaveCount(0);

    // Nothing was created.
    await openPage(page, page.url());
    await skipBrowserValidation(page);
    await expect(page.getByText('No invitations yet')).toBeVisible();

    // A good invitation, then a join with a weak password: refused, and the link still works.
    const email = `henry.${uid()}@example.com`;
    await invite(email);
    const link = await page.getByTestId('invite-link').inputValue();

    const guest = await newBrowserContext(browser, baseURL!);
    try {
      const other = await guest.newPage();
      await openPage(other, link, { live: false });
      await expect(other.getByRole('heading', { name: `Join ${portal.company}` })).toBeVisible();
      await skipBrowserValidation(other);
      await other.locator('input[name=name]').fill('Henry');
      await other.locator('input[name=password]').fill('1234567890123');
      await other.getByRole('button', { name: 'Join' }).click();
      await expect(other.getByRole('alert')).toHaveText('The password needs letters and at least one digit or symbol.');
      await other.locator('input[name=name]').fill('   ');
      await other.locator('input[name=password]').fill(PASSWORD);
      await other.getByRole('button', { name: 'Join' }).click();
      await expect(other.getByRole('alert')).toHaveText('Please enter your name.');

      await openPage(other, link, { live: false });
      await expect(other.getByRole('button', { name: 'Join' })).toBeVisible();
      await other.goto(`${portal.origin}/people`);
      await expect(other).toHaveURL(/\/login$/);
    } finally {
      await guest.close();
    }

    await openPage(page, `${portal.origin}/people`);
    await expect(page.getByTestId('person')).toHaveCount(1);
    await expect(page.getByTestId('bell-count')).toHaveText('0');
  });
});
