// E2E: the physicist registers two hospitals' courses in Chromium. The prior course is the
// same anatomy written in another frame of reference, 6 mm / −4 mm / 3 mm away; summing it
// with the current course is refused with a "Register automatically" action; elastix runs
// in the main process's registration child; the review shows the checkerboard, scrolls,
// takes a nudge; once accepted the cumulative DVH is shown and names the registration.
// A course without a CT is refused with its reason before anything runs. The prior
// hospital's CT comes JPEG-LS compressed (dcmtk, when installed): the viewer decodes it on
// demand, so the registration must wait for every slice of it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp, type ComposedApp } from '../../src/main/app/compose';
import { writePart10, type DicomDataset } from '../../src/shared/rt/dicom-writer';
import { synthesizeCourse, type SynthOptions } from '../../src/shared/rt/synth/course';
import { openBrowserShell, type BrowserShell } from '../harness/browser-shell';
import { childScriptsFromSource } from '../support/child-scripts';
import { FixedSessionForTests } from '../support/fixed-session';
import { tempDir } from '../support/tmp';

const root = tempDir('registration-e2e');
/** Where the prior hospital's scanner put the same anatomy (mm). */
const OFFSET = [6, -4, 3] as const;

function writeCourse(folder: string, options: SynthOptions, keep = (_name: string) => true) {
  const course = synthesizeCourse({ matrix: 96, slices: 40, ...options });
  const dir = join(root.path, folder);
  mkdirSync(dir, { recursive: true });
  for (const file of course.files)
    if (keep(file.name)) writeFileSync(join(dir, file.name), file.bytes);
  return { ...course, dir };
}

const filesIn = (dir: string) =>
  readdirSync(dir)
    .sort()
    .map((name) => join(dir, name));

/** Moves the CT and the dose grid by OFFSET: the same patient in another scanner's frame. */
function shifted(_name: string, dataset: DicomDataset): Uint8Array {
  const position = dataset.ImagePositionPatient as number[] | undefined;
  return writePart10(
    position
      ? { ...dataset, ImagePositionPatient: position.map((v, i) => v + OFFSET[i]!) }
      : dataset,
  );
}

describe('registering a prior course in the dose history (Chromium)', () => {
  const home = tempDir('registration-e2e-home');
  let app: ComposedApp;
  let shell: BrowserShell;
  const current = writeCourse('current', { seed: 'current', courseLabel: 'Current' });
  const prior = writeCourse('prior', {
    seed: 'prior',
    courseLabel: 'Prior',
    institutionName: 'Hospital A',
    prescriptionGy: 20,
    fractions: 5,
    deliveredFractions: 5,
    missedSession: 0,
    encode: shifted,
  });
  const noCt = writeCourse(
    'no-ct',
    { seed: 'no-ct', courseLabel: 'Dose only' },
    (name) => !name.startsWith('CT'),
  );

  beforeAll(async () => {
    if (existsSync('/usr/bin/dcmcjpls'))
      for (const path of filesIn(prior.dir))
        if (/\/CT_[^/]+$/.test(path)) execFileSync('/usr/bin/dcmcjpls', [path, path]);
    app = composeApp({
      userDataDir: home.path,
      appInfo: {
        name: 'ACTION-EHR Workstation',
        version: 'test',
        kiosk: false,
        shell: 'browser-harness',
      },
      childScripts: childScriptsFromSource,
      session: new FixedSessionForTests('physicist'),
    });
    shell = await openBrowserShell({
      dispatch: app.dispatch,
      events: app.events,
      viewport: { width: 1400, height: 1000 },
    });
  });
  afterAll(async () => {
    await shell?.close();
    await app?.close();
    home.cleanup();
    root.cleanup();
  });

  const sumButton = (n: number) =>
    shell.page.getByRole('button', { name: `Sum ${n} selected dose grids` });
  const refusal = () => shell.page.getByRole('alert').filter({ hasText: 'Summation refused' });

  it('says why a course without a CT cannot be registered, and runs nothing', async () => {
    const { page } = shell;
    await page.getByRole('heading', { level: 2 }).first().waitFor();
    await page.getByLabel('Open course files…').setInputFiles(filesIn(current.dir));
    await page.getByRole('table', { name: 'Courses' }).waitFor({ timeout: 20_000 });
    await page.getByLabel('Add another course…').setInputFiles(filesIn(noCt.dir));
    await page.getByRole('checkbox', { name: /^Dose only · RD\.dcm/ }).waitFor({ timeout: 20_000 });
    await sumButton(2).click();
    await refusal().waitFor({ timeout: 20_000 });
    expect(await refusal().getAttribute('data-code')).toBe('FRAME_OF_REFERENCE_MISMATCH');
    await page
      .getByRole('button', { name: /^Register automatically: Dose only CT onto Current CT/ })
      .click();
    const failed = page.getByTestId('registration-failed');
    await failed.waitFor();
    expect(await failed.textContent()).toMatch(
      /The prior course Dose only has no CT in its dose's frame of reference, so it cannot be registered/,
    );
    expect(await page.getByRole('region', { name: 'Registration review' }).count()).toBe(0);
    await failed.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByRole('checkbox', { name: /^Dose only · RD\.dcm/ }).uncheck();
  });

  it('registers, reviews, nudges and accepts; the cumulative DVH names the registration', async () => {
    const { page } = shell;
    await page.getByLabel('Add another course…').setInputFiles(filesIn(prior.dir));
    await page.getByRole('checkbox', { name: /^Prior · RD\.dcm/ }).waitFor({ timeout: 20_000 });
    await sumButton(2).click();
    await refusal().waitFor({ timeout: 20_000 });
    expect(await refusal().textContent()).toMatch(/no registration between them is available/);
    await page
      .getByRole('button', { name: /^Register automatically: Prior CT onto Current CT/ })
      .click();

    const review = page.getByRole('region', { name: 'Registration review' });
    await review.waitFor({ timeout: 150_000 });
    const numbers = async (testId: string) =>
      ((await page.getByTestId(testId).textContent()) ?? '').split(',').map(Number);
    // Prior → current undoes the scanner's offset, within a millimetre.
    const found = await numbers('registration-translation');
    found.forEach((v, i) => expect(Math.abs(v + OFFSET[i]!)).toBeLessThan(1));
    (await numbers('registration-rotation')).forEach((deg) =>
      expect(Math.abs(deg)).toBeLessThan(0.5),
    );

    // The slice scrolls; the picture is the CT (not blank).
    const canvas = page.getByLabel('Checkerboard of the current and prior CT');
    await page.getByLabel('Review slice').fill('12');
    await expect.poll(() => canvas.getAttribute('data-slice')).toBe('12');
    const lit = await canvas.evaluate((el) => {
      const c = el as HTMLCanvasElement;
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if ((data[i] as number) > 60) n++;
      return n / (data.length / 4);
    });
    expect(lit).toBeGreaterThan(0.1);

    // A nudge moves the readout by exactly its step and marks the registration adjusted.
    await page.getByRole('button', { name: 'Move the prior CT +1 mm along x' }).click();
    await expect
      .poll(async () => (await numbers('registration-translation'))[0])
      .toBeCloseTo(found[0]! + 1, 2);
    expect(await review.textContent()).toContain('adjusted by hand');
    await page.getByRole('button', { name: 'Move the prior CT −1 mm along x' }).click();
    await page.getByRole('button', { name: 'Turn the prior CT +0.5° about z' }).click();
    await page.getByRole('button', { name: 'Turn the prior CT −0.5° about z' }).click();
    // Back where elastix left it: no longer an adjustment. One more step makes it one again.
    await expect.poll(async () => review.textContent()).not.toContain('adjusted by hand');
    await page.getByRole('button', { name: 'Turn the prior CT +0.5° about z' }).click();
    await expect.poll(async () => review.textContent()).toContain('adjusted by hand');
    await shell.screenshot('e2e', 'registration-review');
    await page.getByRole('button', { name: 'Accept registration' }).click();

    await expect
      .poll(async () => page.getByRole('table', { name: 'Summed DVH statistics' }).count(), {
        timeout: 60_000,
      })
      .toBe(1);
    const named = await page.getByTestId('summed-registration').textContent();
    expect(named).toMatch(
      /^Prior · RD\.dcm mapped through automatic registration \(elastix .*mutual information\), adjusted by hand, accepted by Test physicist at \d{4}-\d{2}-\d{2}T[\d:.]+Z: rigid/,
    );
    expect(await page.getByRole('region', { name: 'Registration review' }).count()).toBe(0);
    // The EQD2 sum behind the constraint table goes through the same registration.
    const cord = page.locator(
      'tr[data-constraint="Spinal cord (cumulative, re-irradiation) Dmax"][data-roi="SPINAL_CORD"]',
    );
    await expect
      .poll(() => cord.getAttribute('data-status'), { timeout: 30_000 })
      .toMatch(/^(pass|close|fail)$/);
    expect(await cord.getByTestId('constraint-value').textContent()).toMatch(/^\d+\.\d\d Gy$/);
    // Opened from files, not the ledger: there is no patient record to add the REG to.
    expect(
      await page.getByRole('button', { name: 'Save registration as a record' }).isDisabled(),
    ).toBe(true);
    expect(
      await page.getByText('Open the courses from the ledger to save the registration').count(),
    ).toBe(1);
    await page.getByRole('region', { name: 'Dose summation' }).scrollIntoViewIfNeeded();
    await shell.screenshot('e2e', 'registration-accepted');
  });
});
