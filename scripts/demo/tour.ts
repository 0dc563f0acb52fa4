// The headless tour `npm start` runs where no display is: each demo card signs in at its
// hospital's workstation, every screen of its role is visited and saved as a picture, and
// the story's key moments are played through the UI — HospitalB's oncologist opens the
// shared course in Review, the physicist in Dose history — where he sums HospitalA's 2024
// course and HospitalB's 2026 plan through the plan's REG, in EQD2 against the constraint
// table — and the patient's access history
// shows those downloads and, in red, the emergency physician's break-glass opening, which
// HospitalB's administrator has reviewed.
import type { Page } from 'playwright-core';
import type { ComposedApp } from '../../src/main/app/compose';
import { openBrowserShell, type BrowserShell } from '../../test/harness/browser-shell';
import { DEMO_PIN, EMERGENCY_CARD, type DemoCard, type DemoWorld } from './demo-world';

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** Waits until no part of the screen says it is busy. */
export async function settle(page: Page, timeout = 60_000): Promise<void> {
  // Two frames first: a click's loading state is on screen only after React's next render.
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
  );
  await page.waitForFunction(
    () => document.querySelectorAll('[aria-busy="true"]').length === 0,
    null,
    {
      timeout,
    },
  );
}

async function signIn(page: Page, card: DemoCard): Promise<void> {
  await page.getByLabel('Card', { exact: true }).waitFor({ timeout: 30_000 });
  await page.getByLabel('Card', { exact: true }).selectOption({ label: card.label });
  await page.getByLabel('Card PIN').fill(DEMO_PIN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 30_000 });
}

async function visitSections(shell: BrowserShell, card: DemoCard, saved: (path: string) => void) {
  const nav = shell.page.getByRole('navigation');
  const sections = await nav.getByRole('button').allTextContents();
  for (const label of sections) {
    if (label === 'Connection settings') continue;
    await nav.getByRole('button', { name: label, exact: true }).click();
    await settle(shell.page);
    saved(await shell.screenshot('start', `${slug(card.label)}-${slug(label)}`));
  }
}

/** Waits until the viewer has drawn the opened course (a CT slice, or the course table). */
export async function courseShown(page: Page, viewer: 'Review' | 'Dose history'): Promise<void> {
  if (viewer === 'Review') {
    await page
      .locator('[aria-label="CT image"][data-rendered-slice]')
      .first()
      .waitFor({ timeout: 60_000 });
  } else {
    await page.getByRole('table', { name: 'Courses' }).waitFor({ timeout: 60_000 });
  }
}

/** Opens all of a patient's shared records from Shared with me; they land in the viewer. */
export async function openSharedCourse(page: Page, viewer: 'Review' | 'Dose history') {
  const nav = page.getByRole('navigation');
  await nav.getByRole('button', { name: 'Shared with me', exact: true }).click();
  await page
    .getByRole('button', { name: /^Show records of pat-/ })
    .first()
    .click();
  await page.getByRole('button', { name: 'Open all records' }).click();
  await courseShown(page, viewer);
}

/** HospitalB's administrator reviews the emergency physician's break-glass (once). */
async function reviewBreakGlass(shell: BrowserShell, saved: (path: string) => void) {
  const page = shell.page;
  await page
    .getByRole('navigation')
    .getByRole('button', { name: 'Emergency access review', exact: true })
    .click();
  await settle(page);
  const pending = page.getByRole('button', { name: 'Mark reviewed…' });
  if ((await pending.count()) === 0) return;
  saved(await shell.screenshot('start', 'hospitalb-administrator-break-glass-to-review'));
  await pending.first().click();
  await page
    .getByLabel(/Comment/)
    .fill('Justified: the patient was unconscious in the ER; the physician was on duty.');
  await page.getByRole('button', { name: 'Save review' }).click();
  await page
    .getByText(/^Reviewed /)
    .first()
    .waitFor({ timeout: 30_000 });
}

/** The physicist sums the opened courses: the REG maps 2024 into 2026, EQD2 beside the limits. */
async function sumThroughRegistration(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Sum \d+ selected dose grids$/ }).click();
  await page.getByRole('table', { name: 'Constraint results' }).waitFor({ timeout: 120_000 });
  await page.getByLabel('Cumulative EQD2 DVH', { exact: true }).waitFor({ timeout: 120_000 });
  // The EQD2 rows fill in as the worker answers each α/β; the picture waits for all.
  await page.waitForFunction(
    () => document.querySelectorAll('tr[data-status="…"]').length === 0,
    null,
    { timeout: 120_000 },
  );
  await settle(page, 120_000);
  const registration = await page.getByTestId('summed-registration').textContent();
  if (!registration?.includes('DICOM registration object')) {
    throw new Error(`the dose history summed without the 2026 plan's REG: ${registration}`);
  }
}

/** Story moments: HospitalB's caregivers open the course the patient shared with them. */
async function playStory(shell: BrowserShell, card: DemoCard, saved: (path: string) => void) {
  if (card.hospital === 1 && card.spec.kind === 'admin') return reviewBreakGlass(shell, saved);
  if (card.hospital !== 1 || card.label === EMERGENCY_CARD) return;
  if (card.spec.kind !== 'oncologist' && card.spec.kind !== 'physicist') return;
  const viewer = card.spec.kind === 'oncologist' ? 'Review' : 'Dose history';
  await openSharedCourse(shell.page, viewer);
  await settle(shell.page, 120_000);
  if (viewer === 'Dose history') await sumThroughRegistration(shell.page);
  saved(await shell.screenshot('start', `${slug(card.label)}-shared-course-in-${slug(viewer)}`));
}

export async function tourHeadless(
  world: DemoWorld | null,
  fallback: ComposedApp,
  saved: (path: string) => void,
): Promise<void> {
  const stations = world
    ? world.workstations.map((w) => ({ app: w.app, hospital: w.hospital, name: w.name }))
    : [{ app: fallback, hospital: 0 as const, name: 'workstation' }];
  // HospitalB first (the downloads), then HospitalA, where the patient sees them.
  for (const station of [...stations].reverse()) {
    const shell = await openBrowserShell({
      dispatch: station.app.dispatch,
      events: station.app.events,
      headless: true,
      maxLifetimeMs: 10 * 60_000,
    });
    try {
      await shell.page.getByRole('heading', { level: 1 }).waitFor();
      if (!world) {
        saved(await shell.screenshot('start', 'sign-in'));
        continue;
      }
      await shell.page.getByLabel('Card', { exact: true }).waitFor({ timeout: 30_000 });
      saved(await shell.screenshot('start', `sign-in-${slug(station.name)}`));
      for (const card of world.cards.filter((c) => c.hospital === station.hospital)) {
        await signIn(shell.page, card);
        await playStory(shell, card, saved);
        await visitSections(shell, card, saved);
        await shell.page.getByRole('button', { name: 'Sign out' }).click();
      }
    } finally {
      await shell.close();
    }
  }
}
