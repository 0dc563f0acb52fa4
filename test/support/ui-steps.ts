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

/**
 * The visible controls of the page a finger would struggle to hit: smaller than 44 × 44 CSS
 * pixels (WCAG 2.2's target size). A checkbox or radio counts by its label, which takes the
 * touch for it.
 */
export function smallTouchTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = [];
    for (const el of Array.from(
      document.querySelectorAll<HTMLElement>('button, input, select, a[href]'),
    )) {
      if ((el as HTMLInputElement).type === 'hidden' || el.closest('[hidden]')) continue;
      const choice = el instanceof HTMLInputElement && /^(checkbox|radio)$/.test(el.type);
      const target = choice ? (el.closest('label') ?? el) : el;
      const box = target.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.width < 44 || box.height < 44) {
        const name = (target.textContent ?? '').trim() || el.getAttribute('aria-label') || el.id;
        small.push(
          `${el.tagName.toLowerCase()} “${name.slice(0, 40)}” ${Math.round(box.width)}×${Math.round(box.height)}`,
        );
      }
    }
    return small;
  });
}
