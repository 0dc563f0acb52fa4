// The steps every UI story takes through the browser shell: sign in with a demo card by
// its label, sign out, open a section of the role's navigation.
import type { Page } from 'playwright-core';
import { PIN } from './record-world';

export async function signIn(page: Page, cardLabel: string, pin = PIN): Promise<void> {
  await page.getByLabel('Card', { exact: true }).waitFor({ timeout: 30_000 });
  await page.getByLabel('Card', { exact: true }).selectOption({ label: cardLabel });
  await page.getByLabel('Card PIN').fill(pin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 30_000 });
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Card PIN').waitFor({ timeout: 30_000 });
}

export const section = (page: Page, name: string) =>
  page.getByRole('navigation').getByRole('button', { name, exact: true }).click();
