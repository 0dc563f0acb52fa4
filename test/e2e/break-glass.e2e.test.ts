// Emergency (break-glass) access through the UI on the real network: HospitalB's emergency
// physician, whom the patient never granted, opens it (a filler reason is refused on the
// form) and holds a red banner counting down to the ledger's end on every screen (moved on
// with the page's test clock, not by waiting); every record is flagged and his opening is
// on the ledger as an emergency one; the patient is told at sign-in and sees it in red in his
// access history; HospitalB's administrator reviews it, and the patient sees the review.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courseShown } from '../../scripts/demo/tour';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';
import { openBrowserShell, type BrowserShell } from '../harness/browser-shell';
import { ledgerSkipReason } from '../support/ledger-network';
import { startRecordWorld, type RecordWorld } from '../support/record-world';
import { section, signIn, signOut } from '../support/ui-steps';
import { minioMissingReason } from '../storage/helpers';

const skip = ledgerSkipReason() ?? minioMissingReason();
if (skip) console.log(`Break-glass E2E skipped: ${skip}.`);

const REASON = 'Unconscious patient in the emergency department, prior radiotherapy dose needed';

describe.skipIf(Boolean(skip))('break-glass through the UI', () => {
  let world: RecordWorld;
  let shellA: BrowserShell;
  let shellB: BrowserShell;

  beforeAll(async () => {
    world = await startRecordWorld();
    const [A, B] = world.workstations;
    await A.signInAs(world.people.patient);
    const course = synthesizeCourse({ slices: 8, deliveredFractions: 2 });
    await A.call('addRecords', { patientId: world.people.patient.id, files: course.files });
    await A.signOut();
    [shellA, shellB] = await Promise.all([
      openBrowserShell({ dispatch: A.app.dispatch, events: A.app.events }),
      openBrowserShell({ dispatch: B.app.dispatch, events: B.app.events, controlledClock: true }),
    ]);
  }, 400_000);

  afterAll(async () => {
    await shellA?.close();
    await shellB?.close();
    await world?.stop();
  });

  it('an emergency physician opens it: a filler reason refused, then a red banner on every screen, every record flagged', async () => {
    const page = shellB.page;
    const patientId = world.people.patient.id;
    await signIn(page, 'emergencyB');
    await section(page, 'Emergency access');
    const form = page.getByRole('form', { name: 'Open emergency access' });
    await form.getByLabel('Patient pseudonym').fill(patientId);
    await form.getByLabel('Reason').fill('emergency emergency emergency now');
    await form.getByRole('button', { name: 'Open emergency access…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Open emergency access' }).click();
    await form
      .getByText(/^The reason must explain the emergency in words: at least 3 different words/)
      .waitFor({ timeout: 30_000 });
    expect(await page.getByRole('status', { name: 'Emergency access in force' }).count()).toBe(0);

    await form.getByLabel('Reason').fill(REASON);
    await form.getByLabel('Duration').selectOption({ label: '2 hours' });
    await form.getByRole('button', { name: 'Open emergency access…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/every record you open are recorded on the ledger/).waitFor();
    await dialog.getByRole('button', { name: 'Open emergency access' }).click();

    const banner = page.getByRole('status', { name: 'Emergency access in force' });
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toContain(patientId);
    expect(await banner.getByTestId('time-left').textContent()).toMatch(/^(1 h 59|2 h 00) min$/);

    const records = page.getByRole('table', { name: `Records of ${patientId}` });
    await records.waitFor({ timeout: 30_000 });
    const rows = records.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await rows.filter({ hasText: 'Emergency access' }).count()).toBe(await rows.count());
    // Decrypted through HospitalA's gateway from its emergency envelope, and flagged.
    await page.getByRole('button', { name: /^Open Imaging record of/ }).click();
    await courseShown(page, 'Review');
    await page
      .getByText(/^Opened from the ledger: .*\(Imaging\) · opened by emergency access$/)
      .waitFor({ timeout: 30_000 });
    await shellB.screenshot('e2e', 'break-glass-1-opened');

    // The banner stays on every screen and counts down with the clock.
    await section(page, 'Review');
    await banner.waitFor();
    await page.clock.fastForward('10:00');
    await expect
      .poll(() => banner.getByTestId('time-left').textContent(), { timeout: 10_000 })
      .toMatch(/^1 h 4[6-9] min$/);
    await shellB.screenshot('e2e', 'break-glass-2-banner-on-review');
    // When the ledger's end passes the banner goes (the physician keeps using the screen,
    // so the idle logoff does not sign him out first).
    await page.mouse.move(190, 300);
    for (let i = 0; i < 12; i++) {
      await page.clock.fastForward('10:00');
      await page.mouse.move(200 + i, 300);
    }
    await expect.poll(() => banner.count(), { timeout: 10_000 }).toBe(0);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
    await signOut(page);
  }, 180_000);

  it('the patient is told at sign-in and sees it in red in his access history', async () => {
    const page = shellA.page;
    await signIn(page, 'patient');
    const notice = page.getByRole('alert', { name: 'Emergency access to your records' });
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.textContent()).toMatch(/Dr Eva Ember.*Reason: “Unconscious patient/);
    expect(await notice.textContent()).toMatch(/Opened: Imaging/);
    await section(page, 'Access history');
    const table = page.getByRole('table', { name: 'Access history' });
    const session = table.locator('tr.break-glass[data-kind="break-glass"]');
    await session.waitFor({ timeout: 30_000 });
    expect(await session.textContent()).toMatch(/Dr Eva Ember.*Not yet reviewed by HospitalBMSP/);
    expect(await table.locator('tr.break-glass[data-kind="download"]').count()).toBe(1);
    const red = await session.evaluate((row) => getComputedStyle(row.querySelector('td')!).color);
    expect(red).not.toBe('rgb(0, 0, 0)');
    await shellA.screenshot('e2e', 'break-glass-3-patient-notice-and-history');
    await notice.getByRole('button', { name: 'I have seen this' }).click();
    await expect.poll(() => notice.count(), { timeout: 30_000 }).toBe(0);
    await signOut(page);
    // Seen is on the ledger: the next sign-in shows no notice.
    await signIn(page, 'patient');
    await section(page, 'Access history');
    await table.waitFor({ timeout: 30_000 });
    expect(await notice.count()).toBe(0);
    await signOut(page);
  }, 120_000);

  it('HospitalB’s administrator reviews it with a comment, and the patient sees the review', async () => {
    const page = shellB.page;
    await signIn(page, 'adminB');
    await section(page, 'Emergency access review');
    const table = page.getByRole('table', { name: 'Emergency access sessions' });
    await table.waitFor({ timeout: 30_000 });
    const row = table.locator('tbody tr').first();
    expect(await row.textContent()).toMatch(/Dr Eva Ember.*Unconscious patient.*Imaging/);
    await row.getByRole('button', { name: 'Mark reviewed…' }).click();
    await row.getByLabel(/Comment/).fill('ok');
    await row.getByRole('button', { name: 'Save review' }).click();
    await row.getByText(/^The comment must say what the review found/).waitFor({ timeout: 30_000 });
    const comment = 'Justified: unconscious patient, the ER rota confirms the physician on duty.';
    await row.getByLabel(/Comment/).fill(comment);
    await row.getByRole('button', { name: 'Save review' }).click();
    await row.getByText(/Reviewed .* by Dana Dietz/).waitFor({ timeout: 30_000 });
    await shellB.screenshot('e2e', 'break-glass-4-admin-reviewed');
    await signOut(page);

    await signIn(shellA.page, 'patient');
    await section(shellA.page, 'Access history');
    const session = shellA.page.locator('tr.break-glass[data-kind="break-glass"]');
    await session.waitFor({ timeout: 30_000 });
    expect(await session.textContent()).toContain(`Reviewed by HospitalBMSP`);
    expect(await session.textContent()).toContain(comment);
    await shellA.screenshot('e2e', 'break-glass-5-patient-sees-review');
    await signOut(shellA.page);
  }, 120_000);
});
