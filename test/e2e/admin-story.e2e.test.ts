// The administrator's story through the UI in Chromium, on the real two-hospital network
// with real SoftHSM2 cards: HospitalB's administrator enrols a new oncologist on a blank card
// (each step shown), who then appears in Users and in the patient's caregiver picker at
// HospitalA's kiosk; she signs in at her own workstation and sees what the patient shares;
// the administrator revokes her, her next ledger call is refused, and the patient's access
// history says her hospital revoked her account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserShell, type BrowserShell } from '../harness/browser-shell';
import { ledgerSkipReason } from '../support/ledger-network';
import { startRecordWorld, type RecordWorld } from '../support/record-world';
import { section, signIn, smallTouchTargets } from '../support/ui-steps';
import { SO_PIN } from '../support/softhsm';
import { minioMissingReason } from '../storage/helpers';

const skip = ledgerSkipReason() ?? minioMissingReason();
if (skip) console.log(`Administrator story E2E skipped: ${skip}.`);

const NEW_PIN = '161803';

describe.skipIf(Boolean(skip))('the administrator’s story through the UI', () => {
  let world: RecordWorld;
  let shellA: BrowserShell;
  let shellB: BrowserShell;
  let shellNew: BrowserShell | null = null;

  beforeAll(async () => {
    world = await startRecordWorld();
    const B = world.workstations[1];
    const kioskA = await world.openWorkstation(0, { kiosk: true });
    [shellA, shellB] = await Promise.all([
      openBrowserShell({ dispatch: kioskA.app.dispatch, events: kioskA.app.events }),
      openBrowserShell({ dispatch: B.app.dispatch, events: B.app.events }),
    ]);
  }, 300_000);

  afterAll(async () => {
    await shellNew?.close();
    await shellA?.close();
    await shellB?.close();
    await world?.stop();
  });

  it('enrols a new oncologist on a blank card, step by step, and lists her in Users', async () => {
    const page = shellB.page;
    await signIn(page, 'adminB');
    await section(page, 'Enrol a card');
    const form = page.getByRole('form', { name: 'Enrol a card' });
    await form.waitFor({ timeout: 30_000 });
    await form.getByLabel('Card', { exact: true }).selectOption({ label: 'Blank card' });
    await form.getByRole('radio', { name: 'Radiation oncologist' }).check();
    await form.getByLabel('Name').fill('Dr Nora Novak');
    await form.getByLabel('Department').fill('Radiation Oncology');
    await form.getByLabel('Card SO PIN').fill(SO_PIN);
    await form.getByLabel('New PIN (the card holder types it)').fill(NEW_PIN);
    await form.getByLabel('New PIN again').fill(NEW_PIN);
    await form.getByRole('button', { name: 'Enrol card' }).click();
    const enrolled = page.getByRole('status', { name: 'Enrolled' });
    await enrolled.waitFor({ timeout: 120_000 });
    expect(await enrolled.textContent()).toMatch(/Enrolled Dr Nora Novak as Radiation oncologist/);
    await shellB.screenshot('e2e', 'admin-1-enrolled');

    await section(page, 'Users');
    await page.getByLabel('Search users').fill('novak');
    await page
      .getByRole('row', { name: /Dr Nora Novak/ })
      .filter({ hasText: /Radiation oncologist.*Radiation Oncology.*Active/ })
      .waitFor({ timeout: 30_000 });
    await shellB.screenshot('e2e', 'admin-2-users');
  }, 180_000);

  it('the patient finds her in the caregiver picker and grants her', async () => {
    const page = shellA.page;
    await signIn(page, 'patient');
    await section(page, 'Who may see what');
    await page.getByRole('button', { name: 'Grant access' }).click();
    await page.getByLabel('Search by name, department or hospital').fill('Novak');
    await page.getByRole('radio', { name: /Dr Nora Novak/ }).check();
    await page.getByRole('checkbox', { name: 'Dose' }).check();
    // At the kiosk every control of the form is a target a finger can hit.
    expect(await smallTouchTargets(page)).toEqual([]);
    await shellA.screenshot('e2e', 'admin-kiosk-grant-form');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Granted. It is on the ledger.').waitFor({ timeout: 60_000 });
  }, 120_000);

  it('she signs in with her new card at her own workstation and sees the patient', async () => {
    // Her workstation's card process starts after her card was made (SoftHSM2 lists the
    // tokens that exist when a process loads it).
    const station = await world.openWorkstation(1);
    shellNew = await openBrowserShell({
      dispatch: station.app.dispatch,
      events: station.app.events,
    });
    await signIn(shellNew.page, 'ACTION-EHR', NEW_PIN);
    await section(shellNew.page, 'Shared with me');
    await shellNew.page
      .getByRole('button', { name: /^Show records of pat-/ })
      .waitFor({ timeout: 30_000 });
  }, 120_000);

  it('the administrator revokes her; her next ledger call is refused and the patient sees why', async () => {
    const page = shellB.page;
    await section(page, 'Users');
    await page.getByLabel('Search users').fill('novak');
    await page.getByRole('button', { name: 'Revoke Dr Nora Novak' }).click();
    await page.getByRole('button', { name: 'Revoke user' }).click();
    await page.getByText(/Dr Nora Novak is revoked/).waitFor({ timeout: 60_000 });
    // The list reloads from the ledger after the revocation.
    await page
      .getByRole('row', { name: /Dr Nora Novak/ })
      .filter({ hasText: /Revoked \w/ })
      .waitFor({ timeout: 30_000 });
    await shellB.screenshot('e2e', 'admin-3-revoked');

    const her = shellNew!.page;
    await her.getByRole('button', { name: 'Refresh' }).first().click();
    await her.getByText(/revoked by your hospital/).waitFor({ timeout: 30_000 });

    const patient = shellA.page;
    await section(patient, 'Access history');
    await patient.getByRole('button', { name: 'Refresh' }).first().click();
    const ended = patient.getByRole('row', { name: /Account revoked.*Dr Nora Novak/ });
    await ended.waitFor({ timeout: 30_000 });
    expect(await ended.textContent()).toMatch(/hospital revoked the account/);
    expect(await smallTouchTargets(patient)).toEqual([]);
    await shellA.screenshot('e2e', 'admin-4-patient-history');
  }, 120_000);
});
