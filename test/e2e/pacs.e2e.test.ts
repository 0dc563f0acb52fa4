// Add from PACS through the UI (Chromium) on the real network and a real Orthanc: HospitalA's
// oncologist, with the patient's write grant, searches the hospital PACS by patient ID, sees
// the course's series with their RT object types, picks them all, and the course becomes one
// record per category on the ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomWebClient } from '../../src/main/pacs/dicomweb';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';
import { openBrowserShell, type BrowserShell } from '../harness/browser-shell';
import { ledgerSkipReason } from '../support/ledger-network';
import { orthancMissing, startTestOrthanc, type TestOrthanc } from '../support/orthanc';
import { startRecordWorld, type RecordWorld } from '../support/record-world';
import { section, signIn, signOut } from '../support/ui-steps';
import { minioMissingReason } from '../storage/helpers';

const skip = orthancMissing() ?? ledgerSkipReason() ?? minioMissingReason();
if (skip) console.log(`PACS E2E skipped: ${skip}.`);

describe.skipIf(Boolean(skip))('Add from PACS through the UI', () => {
  let world: RecordWorld;
  let pacs: TestOrthanc;
  let shell: BrowserShell;
  let shellB: BrowserShell;
  let pacsB: TestOrthanc;
  const course = synthesizeCourse({ slices: 6, deliveredFractions: 2, patientId: 'HA-0042' });

  beforeAll(async () => {
    [world, pacs, pacsB] = await Promise.all([
      startRecordWorld(),
      startTestOrthanc('HospitalAPACS'),
      startTestOrthanc('HospitalBPACS'),
    ]);
    await new DicomWebClient({ baseUrl: pacs.dicomWebUrl }).store(course.files.map((f) => f.bytes));
    const [A] = world.workstations;
    await A.call('saveSettings', { values: { pacsUrl: pacs.dicomWebUrl } });
    await A.signInAs(world.people.patient);
    await A.call('grantAccess', {
      caregiverId: world.people.oncologistA.id,
      categories: ['imaging', 'radiotherapy-plan', 'dose', 'treatment-record'],
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validTo: new Date(Date.now() + 86_400_000).toISOString(),
      read: true,
      write: true,
    });
    await A.signOut();
    const B = world.workstations[1];
    await B.call('saveSettings', { values: { pacsUrl: pacsB.dicomWebUrl } });
    [shell, shellB] = await Promise.all([
      openBrowserShell({ dispatch: A.app.dispatch, events: A.app.events }),
      openBrowserShell({ dispatch: B.app.dispatch, events: B.app.events }),
    ]);
  }, 300_000);

  afterAll(async () => {
    await shell?.close();
    await shellB?.close();
    await Promise.all([world?.stop(), pacs?.close(), pacsB?.close()]);
  });

  it('searches the PACS, picks the series and adds the course as records per category', async () => {
    const page = shell.page;
    await signIn(page, 'oncologistA');
    await section(page, 'Shared with me');
    await page.getByRole('button', { name: /^Show records of pat-/ }).click();
    const form = page.getByRole('region', { name: 'Add from PACS' });
    await form.getByLabel('Patient ID').fill('NOBODY');
    await form.getByRole('button', { name: 'Search the PACS' }).click();
    await form.getByText('No study in the PACS matches.').waitFor({ timeout: 30_000 });

    await form.getByLabel('Patient ID').fill('HA-0042');
    await form.getByRole('button', { name: 'Search the PACS' }).click();
    const series = form.getByRole('list', { name: 'Series' });
    await series.waitFor({ timeout: 30_000 });
    const labels = await series.getByRole('listitem').allTextContents();
    expect(labels).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CT images — CT \(6 instances\)$/),
        expect.stringMatching(/^Structures/),
        expect.stringMatching(/^Plan/),
        expect.stringMatching(/^Dose/),
        expect.stringMatching(/^Treatment records .*\(2 instances\)$/),
      ]),
    );
    for (const box of await series.getByRole('checkbox').all()) await box.check();
    await form.getByRole('button', { name: 'Add 5 series as records' }).click();
    const where = form.getByRole('list', { name: 'Which series went where' });
    await where.waitFor({ timeout: 90_000 });
    expect((await where.getByRole('listitem').allTextContents()).sort()).toEqual(
      [
        'Dose: 1 file',
        'Imaging: 6 files',
        'Plans and structures: 2 files',
        'Treatment records: 2 files',
      ].sort(),
    );
    await shell.screenshot('e2e', 'pacs-1-added-from-pacs');
    await signOut(page);
  }, 180_000);

  it('the receiving hospital imports the shared imaging into its PACS under its own patient', async () => {
    const { patient, oncologistB } = world.people;
    const [A] = world.workstations;
    await A.signInAs(patient);
    await A.call('grantAccess', {
      caregiverId: oncologistB.id,
      categories: ['imaging'],
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validTo: new Date(Date.now() + 86_400_000).toISOString(),
      read: true,
      write: false,
    });
    await A.signOut();
    const page = shellB.page;
    await signIn(page, 'oncologistB');
    await section(page, 'Shared with me');
    await page.getByRole('button', { name: /^Show records of pat-/ }).click();
    const form = page.getByRole('region', { name: 'Send to our PACS' });
    await form.waitFor({ timeout: 30_000 });
    await form.getByLabel('Local patient ID').fill('HB-7');
    await form.getByLabel('Local patient name').fill('DOE^JOHN');
    await form.getByRole('button', { name: 'Send to our PACS…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/under patient DOE\^JOHN \(ID HB-7\)/).waitFor();
    await dialog.getByRole('button', { name: 'Import' }).click();
    await form.getByText('Imported into your PACS: 6 new instances.').waitFor({ timeout: 60_000 });
    const found = await new DicomWebClient({ baseUrl: pacsB.dicomWebUrl }).searchStudies({
      patientId: 'HB-7',
    });
    expect(found.map((s) => s.studyInstanceUid)).toEqual([course.studyInstanceUid]);
    await shellB.screenshot('e2e', 'pacs-2-sent-to-our-pacs');
    await signOut(page);
  }, 180_000);
});
