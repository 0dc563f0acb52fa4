// Add from EHR and Import into our EHR through the UI (Chromium) on the real network and a real
// HAPI FHIR server: HospitalA's oncologist, with the patient's write grant, finds the patient
// in the EHR by his hospital ID, sees his local name and what the EHR holds, and shares it as
// records per category; HospitalB's oncologist imports the shared notes into his EHR under
// his own patient, twice, and nothing is duplicated.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserShell, type BrowserShell } from '../harness/browser-shell';
import {
  fhirCount,
  fhirMissing,
  fhirTransaction,
  HOSPITAL_PATIENT_IDS,
  patientHistory,
  startTestFhir,
  type TestFhir,
} from '../support/fhir';
import { ledgerSkipReason } from '../support/ledger-network';
import { startRecordWorld, type RecordWorld } from '../support/record-world';
import { section, signIn, signOut } from '../support/ui-steps';
import { minioMissingReason } from '../storage/helpers';

const skip = fhirMissing() ?? ledgerSkipReason() ?? minioMissingReason();
if (skip) console.log(`EHR E2E skipped: ${skip}.`);

describe.skipIf(Boolean(skip))('Add from EHR and Import into our EHR through the UI', () => {
  let world: RecordWorld;
  // One HAPI server plays both hospitals' EHRs; each hospital's patients are its own.
  let fhir: TestFhir;
  let shell: BrowserShell;
  let shellB: BrowserShell;
  const localA = `HA-${randomUUID().slice(0, 8)}`;
  const localB = `HB-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    [world, fhir] = await Promise.all([startRecordWorld(), startTestFhir()]);
    const { patient, oncologistA } = world.people;
    await fhirTransaction(
      fhir.baseUrl,
      patientHistory({ localPatientId: localA, pseudonym: patient.id }),
    );
    const [A, B] = world.workstations;
    await A.call('saveSettings', { values: { ehrUrl: fhir.baseUrl } });
    await B.call('saveSettings', { values: { ehrUrl: fhir.baseUrl } });
    await A.signInAs(patient);
    await A.call('grantAccess', {
      caregiverId: oncologistA.id,
      categories: ['clinical-note', 'medication', 'lab'],
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validTo: new Date(Date.now() + 86_400_000).toISOString(),
      read: true,
      write: true,
    });
    await A.signOut();
    [shell, shellB] = await Promise.all([
      openBrowserShell({ dispatch: A.app.dispatch, events: A.app.events }),
      openBrowserShell({ dispatch: B.app.dispatch, events: B.app.events }),
    ]);
  }, 15 * 60_000);

  afterAll(async () => {
    await shell?.close();
    await shellB?.close();
    await Promise.all([world?.stop(), fhir?.close()]);
  });

  it('finds the patient in the EHR and shares his history as records per category', async () => {
    const page = shell.page;
    await signIn(page, 'oncologistA');
    await section(page, 'Shared with me');
    await page.getByRole('button', { name: /^Show records of pat-/ }).click();
    const form = page.getByRole('region', { name: 'Add from EHR' });
    await form.getByLabel('Hospital patient ID').fill('NOBODY');
    await form.getByRole('button', { name: 'Search the EHR' }).click();
    await form.getByText(/has no patient with the ID NOBODY/).waitFor({ timeout: 30_000 });

    await form.getByLabel('Hospital patient ID').fill(localA);
    await form.getByRole('button', { name: 'Search the EHR' }).click();
    const patientBox = form.locator('[aria-label="Patient in the EHR"]');
    await patientBox.getByText('John Doe', { exact: true }).waitFor({ timeout: 30_000 });
    await form.getByText('Includes a radiotherapy course summary (mCODE).').waitFor();
    const kinds = await form
      .getByRole('list', { name: 'What to share' })
      .getByRole('listitem')
      .allTextContents();
    expect(kinds).toEqual([
      'Diagnoses (1)',
      'Procedures and course summaries (1)',
      'Prescriptions (1)',
      'Medications taken (1)',
      'Observations and lab values (1)',
      'Reports (1)',
    ]);
    await form.getByRole('button', { name: 'Share from the EHR as records' }).click();
    const where = form.getByRole('list', { name: 'Which resources went where' });
    await where.waitFor({ timeout: 90_000 });
    expect((await where.getByRole('listitem').allTextContents()).sort()).toEqual(
      [
        'Clinical notes: FHIR Bundle',
        'Laboratory results: FHIR Bundle',
        'Medication: FHIR Bundle',
      ].sort(),
    );
    await shell.screenshot('e2e', 'ehr-1-added-from-ehr');
    await signOut(page);
  }, 180_000);

  it('the receiving hospital imports the shared notes into its EHR under its own patient, twice', async () => {
    const { patient, oncologistB } = world.people;
    const [A] = world.workstations;
    await A.signInAs(patient);
    await A.call('grantAccess', {
      caregiverId: oncologistB.id,
      categories: ['clinical-note'],
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validTo: new Date(Date.now() + 86_400_000).toISOString(),
      read: true,
      write: false,
    });
    await A.signOut();
    const seeded = await fhirTransaction(fhir.baseUrl, [
      {
        resource: {
          resourceType: 'Patient',
          identifier: [{ system: HOSPITAL_PATIENT_IDS, value: localB }],
          name: [{ family: 'Doe', given: ['John'] }],
        },
        request: { method: 'POST', url: 'Patient' },
      },
    ]);
    const localRef = /Patient\/[^/]+/.exec(seeded.entry![0]!.response!.location!)![0];

    const page = shellB.page;
    await signIn(page, 'oncologistB');
    await section(page, 'Shared with me');
    await page.getByRole('button', { name: /^Show records of pat-/ }).click();
    const form = page.getByRole('region', { name: 'Import into our EHR' });
    await form.waitFor({ timeout: 30_000 });
    await form.getByLabel('Local patient ID').fill(localB);
    for (const expected of [
      'Imported into your EHR: 3 new resources.',
      'Imported into your EHR: 0 new resources, 3 already there.',
    ]) {
      await form.getByRole('button', { name: 'Import into our EHR…' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText(new RegExp(`with ID ${localB}`)).waitFor();
      await dialog.getByRole('button', { name: 'Import' }).click();
      await form.getByText(expected).waitFor({ timeout: 60_000 });
    }
    expect(await fhirCount(fhir.baseUrl, 'Condition', { patient: localRef })).toBe(1);
    await shellB.screenshot('e2e', 'ehr-2-imported-into-our-ehr');
    await signOut(page);
  }, 180_000);
});
