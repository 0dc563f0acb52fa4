// E2E: the RT viewer in Chromium. An oncologist opens a synthetic course (with a truncated,
// a non-DICOM and a JPEG-compressed file mixed in) through the file input, scrolls, toggles
// a structure, switches the dose display and reads DVH numbers that must equal what
// src/shared/rt/dvh.ts computes in Node for the same files. A physicist reads the dose
// history, sums two courses that share a frame of reference and is refused for two that
// do not. Screenshots go to artifacts/e2e/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp, type ComposedApp } from '../../src/main/app/compose';
import { encodeDataset } from '../../src/shared/rt/dicom-writer';
import { computeDvh, summarizeDvh, volumeAtDose, type Dvh } from '../../src/shared/rt/dvh';
import { buildDoseHistory } from '../../src/shared/rt/history';
import { loadStudy, type Study } from '../../src/shared/rt/study';
import { sumDoseGrids } from '../../src/shared/rt/sum';
import { synthesizeCourse, type SynthOptions } from '../../src/shared/rt/synth/course';
import { ROLE_SECTIONS } from '../../src/renderer/views/roleSections';
import { openBrowserShell, type BrowserShell } from '../harness/browser-shell';
import { childScriptsFromSource } from '../support/child-scripts';
import { FixedSessionForTests } from '../support/fixed-session';
import { tempDir } from '../support/tmp';
import { VARIANTS, missingTools } from '../rt/codec-fixtures';
import { hostileCourse, lastSessionIsBoost, sagittal, withBoost, withLength } from '../rt/hostile';

const root = tempDir('viewer-e2e');

function writeCourse(folder: string, options: SynthOptions) {
  const course = synthesizeCourse(options);
  const dir = join(root.path, folder);
  mkdirSync(dir, { recursive: true });
  for (const file of course.files) writeFileSync(join(dir, file.name), file.bytes);
  return { ...course, dir };
}

function filesIn(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((name) => join(dir, name));
}

/** The study as Node reads it from the same files the browser was given. */
function studyOf(paths: readonly string[]): Study {
  return loadStudy(
    paths.map((path) => ({
      name: path.slice(path.lastIndexOf('/') + 1),
      bytes: new Uint8Array(readFileSync(path)),
    })),
  );
}

/** A CT slice of the course re-labelled as JPEG Baseline with encapsulated pixel data. */
function jpegCt(study: Study): Uint8Array {
  const slice = study.imageSeries[0]?.slices[0];
  if (!slice) throw new Error('no CT');
  const body = encodeDataset({
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SOPInstanceUID: `${slice.sopInstanceUid}.9`,
    StudyInstanceUID: slice.studyInstanceUid,
    SeriesInstanceUID: `${slice.seriesInstanceUid}.9`,
    FrameOfReferenceUID: slice.frameOfReferenceUid,
    ImagePositionPatient: [...slice.position],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    PixelSpacing: [slice.rowSpacing, slice.columnSpacing],
    Rows: slice.rows,
    Columns: slice.columns,
    BitsAllocated: 16,
    SamplesPerPixel: 1,
  });
  const meta = encodeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]),
    MediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    MediaStorageSOPInstanceUID: `${slice.sopInstanceUid}.9`,
    TransferSyntaxUID: '1.2.840.10008.1.2.4.50',
  });
  const groupLength = encodeDataset({ FileMetaInformationGroupLength: meta.length });
  // Pixel Data OB, undefined length: empty offset table, one fragment, sequence delimiter.
  const pixel = new Uint8Array([
    0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0, 0,
    0, 0, 0xfe, 0xff, 0x00, 0xe0, 4, 0, 0, 0, 0xff, 0xd8, 0xff, 0xd9, 0xfe, 0xff, 0xdd, 0xe0, 0, 0,
    0, 0,
  ]);
  const parts = [groupLength, meta, body, pixel];
  const out = new Uint8Array(132 + parts.reduce((n, p) => n + p.length, 0));
  out.set(new TextEncoder().encode('DICM'), 128);
  let at = 132;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function composeFor(
  home: string,
  role: 'oncologist' | 'physicist',
  chooseReportPath?: () => Promise<string | null>,
) {
  return composeApp({
    ...(chooseReportPath ? { chooseReportPath } : {}),
    userDataDir: home,
    appInfo: {
      name: 'ACTION-EHR Workstation',
      version: 'test',
      kiosk: false,
      shell: 'browser-harness',
    },
    childScripts: childScriptsFromSource,
    session: new FixedSessionForTests(role),
  });
}

/** What the canvas shows: strongly red pixels (PTV contour) and colourful pixels (dose). */
async function canvasStats(page: Page) {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.rt-canvas canvas');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return { red: -1, colourful: -1, brightness: -1 };
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let red = 0;
    let colourful = 0;
    let brightness = 0;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i] as number;
      const g = data[i + 1] as number;
      const b = data[i + 2] as number;
      if (r > 200 && g < 30 && b < 30) red++;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) colourful++;
      brightness += r + g + b;
    }
    return { red, colourful, brightness: brightness / (data.length / 4) };
  });
}

/** Mean grey level of a small patch of the canvas around (u, v), fractions of its size. */
async function patchBrightness(page: Page, u: number, v: number): Promise<number> {
  return page.evaluate(
    ([pu, pv]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.rt-canvas canvas');
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx) return -1;
      const x = Math.round((pu as number) * canvas.width) - 3;
      const y = Math.round((pv as number) * canvas.height) - 3;
      const data = ctx.getImageData(x, y, 7, 7).data;
      let sum = 0;
      for (let i = 0; i < data.length; i += 4)
        sum += ((data[i] as number) + (data[i + 1] as number) + (data[i + 2] as number)) / 3;
      return sum / (data.length / 4);
    },
    [u, v],
  );
}

/** A checksum of everything the CT canvas shows (image and overlays), to tell slices apart. */
async function canvasChecksum(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.rt-canvas canvas');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return -1;
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0;
    for (let i = 0; i < data.length; i++) sum = (sum * 31 + (data[i] as number)) % 2147483647;
    return sum;
  });
}

async function tableRows(page: Page, label: string): Promise<Record<string, string[]>> {
  const table = page.getByRole('table', { name: label, exact: true });
  await table.waitFor();
  return table.evaluate((el) => {
    const out: Record<string, string[]> = {};
    for (const row of Array.from(el.querySelectorAll('tbody tr'))) {
      const name = row.querySelector('th')?.textContent?.trim() ?? '';
      out[name] = Array.from(row.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '');
    }
    return out;
  });
}

/** The DVH table row the viewer must show for this DVH, formatted as the viewer does. */
function expectedRow(dvh: Dvh, vxGy: number): string[] {
  const s = summarizeDvh(dvh);
  const v = volumeAtDose(dvh, vxGy);
  const g = (x: number) => x.toFixed(2);
  return [
    s.volumeCc.toFixed(1),
    g(s.d98Gy),
    g(s.d95Gy),
    g(s.d50Gy),
    g(s.d2Gy),
    g(s.meanGy),
    g(s.maxGy),
    v.percent.toFixed(1),
    v.cc.toFixed(1),
  ];
}

const courseA = writeCourse('course-a', { matrix: 128, slices: 40 });

/**
 * Holds the viewer worker's 'loaded' answer while `window.__rtHold` is set, until
 * `window.__rtRelease()`: the page then behaves exactly as while a long series is still
 * being parsed, without any timing in the test. Everything else passes straight through.
 */
const HOLD_COURSE_ANSWER = `(() => {
  const Native = window.Worker;
  const held = [];
  window.__rtHold = false;
  window.__rtRelease = () => {
    window.__rtHold = false;
    for (const deliver of held.splice(0)) deliver();
  };
  window.Worker = class extends Native {
    set onmessage(handler) {
      super.onmessage = handler && ((event) => {
        if (window.__rtHold && event.data && event.data.kind === 'loaded')
          held.push(() => handler.call(this, event));
        else handler.call(this, event);
      });
    }
    get onmessage() {
      return super.onmessage;
    }
  };
})();`;

afterAll(() => root.cleanup());

describe('the first picture in Chromium', () => {
  const home = tempDir('viewer-first-picture');
  let app: ComposedApp;
  let shell: BrowserShell;

  beforeAll(async () => {
    app = composeFor(home.path, 'oncologist');
    shell = await openBrowserShell({
      dispatch: app.dispatch,
      viewport: { width: 1400, height: 1000 },
      initScripts: [HOLD_COURSE_ANSWER],
    });
  });
  afterAll(async () => {
    await shell?.close();
    app?.close();
    home.cleanup();
  });

  it('shows the middle CT slice before the whole course is parsed, then the course', async () => {
    const { page } = shell;
    await page.getByRole('button', { name: 'Review', exact: true }).click();
    await page.evaluate(() => {
      (window as unknown as { __rtHold: boolean }).__rtHold = true;
    });
    await page.getByLabel('Open course files…').setInputFiles(filesIn(courseA.dir));

    // The course's answer is held: what shows is the first picture alone, on the slice the
    // course will open on, with the whole series counted.
    const first = page.locator('[data-first-picture]');
    const viewport = first.getByRole('group', { name: 'CT image' });
    await expect
      .poll(() => viewport.getAttribute('data-rendered-slice'), { timeout: 20_000 })
      .toBe('20');
    expect(await first.getByTestId('slice-label').textContent()).toBe('Slice 21 / 40');
    expect(await first.textContent()).toContain('reading the rest of the course');
    expect(await page.getByTestId('prescription').count()).toBe(0);
    // It is the CT itself: the body is lighter than the air around it.
    expect(await patchBrightness(page, 0.5, 0.5)).toBeGreaterThan(
      (await patchBrightness(page, 0.03, 0.03)) + 20,
    );
    await shell.screenshot('e2e', 'viewer-first-picture');

    await page.evaluate(() => (window as unknown as { __rtRelease(): void }).__rtRelease());
    await page.getByTestId('prescription').waitFor();
    expect(await first.count()).toBe(0);
    const course = page.getByRole('group', { name: 'CT image' });
    await expect
      .poll(() => course.getAttribute('data-rendered-slice'), { timeout: 20_000 })
      .toBe('20');
    expect(await page.getByTestId('slice-label').textContent()).toBe('Slice 21 / 40');
  });
  it('reads another system’s course: fraction groups, an unusable structure, dose outside the grid', async () => {
    const { page } = shell;
    const plain = hostileCourse({});
    const lastRecord = plain.files.filter((f) => f.name.startsWith('RT_RECORD_')).at(-1)?.name;
    const course = hostileCourse({
      'RP.dcm': withBoost,
      [lastRecord ?? '']: lastSessionIsBoost,
      'RS.dcm': sagittal,
      'RD.dcm': (ds) => {
        const [x, y, z] = ds.ImagePositionPatient as readonly number[];
        return {
          ...ds,
          ImagePositionPatient: [(x as number) + 50, y as number, z as number],
          ReferencedRTPlanSequence: [{ ReferencedSOPClassUID: '1.2.840.10008.5.1.4.1.1.481.5' }],
        };
      },
    });
    const dir = join(root.path, 'other-system');
    mkdirSync(dir, { recursive: true });
    for (const file of course.files) writeFileSync(join(dir, file.name), file.bytes);
    await page.getByLabel(/Open (another course|course files)…/).setInputFiles(filesIn(dir));
    await expect
      .poll(() => page.getByTestId('prescription').textContent(), { timeout: 20_000 })
      .toBe(`${(plain.prescriptionGy + 10).toFixed(1)} Gy in 2 fraction groups`);
    expect(await page.getByTestId('fractions').textContent()).toBe('35');
    const groups = await tableRows(page, 'Fraction groups');
    const totalMu = (extra: number) =>
      plain.beams.reduce((sum, b) => sum + b.meterset + extra, 0).toFixed(1);
    expect(groups).toEqual({
      '1 Primary': ['30', `${plain.prescriptionGy.toFixed(1)} Gy`, '2.00 Gy', totalMu(0)],
      '2 Boost': ['5', '10.0 Gy', '2.00 Gy', totalMu(10)],
    });
    // The empty plan reference is a warning in the file list, not a refusal.
    expect(await page.locator('.rt-warnings').textContent()).toMatch(
      /RD\.dcm: .*ReferencedSOPInstanceUID in ReferencedRTPlanSequence\[1\]: empty or missing/,
    );
    // The sagittal cord fails alone; the lung, partly beyond the grid, says so.
    await expect
      .poll(async () => (await tableRows(page, 'DVH statistics')).LUNG_R?.length, {
        timeout: 20_000,
      })
      .toBe(9);
    const rows = await tableRows(page, 'DVH statistics');
    expect(rows.SPINAL_CORD?.[0]).toMatch(/SPINAL_CORD.*not in an axial plane/);
    expect(rows.PTV).toHaveLength(9);
    expect(await page.locator('[data-roi-warning="LUNG_R"]').textContent()).toMatch(
      /LUNG_R: [\d.]+% of its volume .* lies outside the dose grid; volume outside the dose grid counts as receiving 0 Gy/,
    );
    await shell.screenshot('e2e', 'viewer-other-system');
  });
});

describe('oncologist review in Chromium', () => {
  const home = tempDir('viewer-oncologist');
  let app: ComposedApp;
  let shell: BrowserShell;
  const broken = join(root.path, 'broken');
  let opened: string[] = [];

  beforeAll(async () => {
    mkdirSync(broken, { recursive: true });
    const rd = readFileSync(join(courseA.dir, 'RT_RECORD_02.dcm'));
    writeFileSync(join(broken, 'RT_RECORD_99_truncated.dcm'), rd.subarray(0, rd.length - 40));
    writeFileSync(join(broken, 'notes.txt'), 'not a DICOM file\n');
    writeFileSync(join(broken, 'CT_JPEG.dcm'), jpegCt(studyOf(filesIn(courseA.dir))));
    opened = [...filesIn(courseA.dir), ...filesIn(broken)];
    app = composeFor(home.path, 'oncologist');
    shell = await openBrowserShell({
      dispatch: app.dispatch,
      viewport: { width: 1400, height: 1000 },
    });
  });
  afterAll(async () => {
    await shell?.close();
    app?.close();
    home.cleanup();
  });

  it('says what to open, then shows the course with the bad files listed', async () => {
    const { page } = shell;
    const review = ROLE_SECTIONS.oncologist.find((s) => s.id === 'review');
    await page.getByRole('button', { name: 'Review', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: review?.emptyTitle }).waitFor();
    expect(await page.locator('.empty-state p').textContent()).toMatch(
      /CT series.*RTSTRUCT.*RTDOSE/,
    );
    await shell.screenshot('e2e', 'viewer-review-empty');

    await page.getByLabel('Open course files…').setInputFiles(opened);
    const viewport = page.getByRole('group', { name: 'CT image' });
    await expect
      .poll(() => viewport.getAttribute('data-rendered-slice'), { timeout: 20_000 })
      .toBe('20');
    expect(await page.getByTestId('slice-label').textContent()).toBe('Slice 21 / 40');

    const problems = page.getByRole('alert').filter({ hasText: 'could not be used' });
    expect(await problems.locator('h3').textContent()).toContain(`3 of ${opened.length} files`);
    const text = (await problems.textContent()) ?? '';
    expect(text).toMatch(/CT_JPEG\.dcm.*unsupported transfer syntax JPEG Baseline/);
    expect(text).toMatch(/RT_RECORD_99_truncated\.dcm.*\[TRUNCATED\]/);
    expect(text).toMatch(/notes\.txt.*\[NOT_DICOM\]/);
    // The rest of the course loaded: plan, structures, dose controls.
    expect(await page.getByTestId('prescription').textContent()).toBe('60.0 Gy');
    expect(await page.getByTestId('fractions').textContent()).toBe('30');
    const beams = await tableRows(page, 'Beams');
    for (const beam of courseA.beams) {
      const row = beams[`${beam.number} ${beam.name}`];
      expect(row?.[1]).toBe('6 MV');
      expect(row?.[4]).toBe(beam.meterset.toFixed(1));
    }
  });

  it('scrolls with keyboard and wheel, switches window presets', async () => {
    const { page } = shell;
    const viewport = page.getByRole('group', { name: 'CT image' });
    await viewport.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
    await expect.poll(() => viewport.getAttribute('data-rendered-slice')).toBe('23');
    expect(await page.getByTestId('slice-label').textContent()).toBe('Slice 24 / 40');
    await viewport.hover();
    await page.mouse.wheel(0, 120);
    await expect.poll(() => viewport.getAttribute('data-rendered-slice')).toBe('22');
    await page.keyboard.press('End');
    await expect.poll(() => viewport.getAttribute('data-rendered-slice')).toBe('39');
    await page.keyboard.press('Home');
    await expect.poll(() => viewport.getAttribute('data-rendered-slice')).toBe('0');
    await page.getByRole('slider', { name: 'Slice' }).fill('21');
    await expect.poll(() => viewport.getAttribute('data-rendered-slice')).toBe('20');

    await page.getByRole('button', { name: 'No dose' }).click();
    // The right lung (−800 HU) is centred at x = −55, y = −5 mm; the 128-pixel image spans
    // −127…127 mm and fills the square canvas.
    const lung = [(-55 + 128) / 256, (-5 + 128) / 256] as const;
    await expect.poll(() => patchBrightness(page, ...lung)).toBeLessThan(5);
    await page.getByRole('button', { name: 'Lung', exact: true }).click();
    // The lung window shows the lung as grey where the soft-tissue window shows it black.
    await expect.poll(() => patchBrightness(page, ...lung)).toBeGreaterThan(60);
    expect(await viewport.textContent()).toContain('Lung W 1500 L -600');
    await shell.screenshot('e2e', 'viewer-review-lung-window');
    await page.getByRole('button', { name: 'Soft tissue' }).click();
    await expect.poll(() => patchBrightness(page, ...lung)).toBeLessThan(5);
  });

  it('toggles a structure and switches isodose lines and colour wash', async () => {
    const { page } = shell;
    const withPtv = await canvasStats(page);
    expect(withPtv.red).toBeGreaterThan(50);
    await page.getByLabel('Show PTV contour').uncheck();
    await expect.poll(async () => (await canvasStats(page)).red).toBeLessThan(withPtv.red / 10);
    await page.getByLabel('Show PTV contour').check();
    await expect.poll(async () => (await canvasStats(page)).red).toBe(withPtv.red);

    const noDose = (await canvasStats(page)).colourful;
    await page.getByRole('button', { name: 'Isodose lines' }).click();
    await expect.poll(async () => (await canvasStats(page)).colourful).toBeGreaterThan(noDose);
    const isodose = (await canvasStats(page)).colourful;
    const legend = page.getByRole('list', { name: 'Isodose legend' });
    expect(await legend.textContent()).toContain('60.0 Gy (100% of prescription)');
    await shell.screenshot('e2e', 'viewer-review-isodose');

    await page.getByRole('button', { name: 'Colour wash' }).click();
    await expect.poll(async () => (await canvasStats(page)).colourful).toBeGreaterThan(isodose * 3);
    expect(
      await page.getByRole('img', { name: /^Colour wash from 6\.0 Gy to \d+\.\d Gy$/ }).count(),
    ).toBe(1);
    await shell.screenshot('e2e', 'viewer-review-colour-wash');
  });

  it('shows the DVH table with the numbers dvh.ts computes in Node', async () => {
    const { page } = shell;
    const study = studyOf(opened);
    const set = study.structureSets[0];
    const grid = study.doses[0];
    if (!set || !grid) throw new Error('course lost its structures or dose');
    const dvhOf = (name: string) => {
      const roi = set.rois.find((r) => r.name === name);
      if (!roi) throw new Error(`no ${name}`);
      return computeDvh(roi, grid);
    };

    await expect
      .poll(async () => Object.keys(await tableRows(page, 'DVH statistics')).sort(), {
        timeout: 20_000,
      })
      .toEqual(['LUNG_R', 'PTV', 'SPINAL_CORD']);
    await expect
      .poll(async () => (await tableRows(page, 'DVH statistics')).PTV?.length, { timeout: 20_000 })
      .toBe(9);
    let rows = await tableRows(page, 'DVH statistics');
    for (const name of ['PTV', 'SPINAL_CORD', 'LUNG_R'])
      expect(rows[name], name).toEqual(expectedRow(dvhOf(name), 20));
    expect(await page.locator('.rt-dvh-plot polyline').count()).toBe(3);

    await page.getByLabel('BODY in DVH').check();
    await page.getByLabel('Vx dose (Gy)').fill('57');
    await expect
      .poll(async () => (await tableRows(page, 'DVH statistics')).BODY?.length, { timeout: 20_000 })
      .toBe(9);
    rows = await tableRows(page, 'DVH statistics');
    expect(rows.BODY).toEqual(expectedRow(dvhOf('BODY'), 57));
    expect(rows.PTV).toEqual(expectedRow(dvhOf('PTV'), 57));
    await page.locator('.rt-dvh').scrollIntoViewIfNeeded();
    await shell.screenshot('e2e', 'viewer-review-dvh');
  });

  it('names a hostile dose and a damaged plan where the reviewer reads them', async () => {
    const { page } = shell;
    const course = hostileCourse(
      { 'RD.dcm': (ds) => ({ ...ds, DoseGridScaling: '1e30' }) },
      { implicitVr: ['RP.dcm'] },
    );
    const dir = join(root.path, 'hostile');
    mkdirSync(dir, { recursive: true });
    for (const file of course.files)
      writeFileSync(
        join(dir, file.name),
        file.name === 'RP.dcm' ? withLength(file.bytes, 'ApprovalStatus', 0xffffffff) : file.bytes,
      );
    // Runs alone (-t) or after the other tests, which leave a course open.
    await page.getByRole('button', { name: 'Review', exact: true }).click();
    await page.getByLabel(/^Open (course files|another course)…$/).setInputFiles(filesIn(dir));
    const damaged = page.getByRole('alert', { name: 'Plan file damaged' });
    await damaged.waitFor({ timeout: 20_000 });
    expect(await damaged.textContent()).toMatch(/\(300E,0002\) ApprovalStatus.*undefined length/);
    const problems = page.getByRole('alert').filter({ hasText: 'could not be used' });
    expect(await problems.textContent()).toMatch(
      /RD\.dcm: \(3004,000E\) DoseGridScaling: value 1: 1e\+30 is outside/,
    );
    await shell.screenshot('e2e', 'viewer-review-hostile');
  });
});

describe('physicist dose history in Chromium', () => {
  const home = tempDir('viewer-physicist');
  let app: ComposedApp;
  let shell: BrowserShell;
  const courseB = writeCourse('course-b', {
    seed: 'second-course',
    frameOfReferenceUid: courseA.frameOfReferenceUid,
    courseLabel: 'Course 2',
    institutionName: 'Hospital B',
    prescriptionGy: 20,
    fractions: 5,
    deliveredFractions: 5,
    missedSession: 0,
    firstTreatmentDate: '20250303',
  });
  const courseC = writeCourse('course-c', { seed: 'other-hospital', courseLabel: 'Course 3' });

  // Where the save dialog "puts" the next report (null: the person cancelled).
  let reportPath: string | null = null;

  beforeAll(async () => {
    app = composeFor(home.path, 'physicist', () => Promise.resolve(reportPath));
    shell = await openBrowserShell({
      dispatch: app.dispatch,
      viewport: { width: 1400, height: 1000 },
    });
  });
  afterAll(async () => {
    await shell?.close();
    app?.close();
    home.cleanup();
  });

  it('shows prescribed against delivered fractions and MU per session', async () => {
    const { page } = shell;
    const section = ROLE_SECTIONS.physicist.find((s) => s.id === 'dose-history');
    await page.getByRole('heading', { level: 2, name: section?.emptyTitle }).waitFor();
    await page.getByLabel('Open course files…').setInputFiles(filesIn(courseA.dir));
    const courses = page.getByRole('table', { name: 'Courses' });
    await courses.waitFor({ timeout: 20_000 });

    const study = studyOf(filesIn(courseA.dir));
    const history = buildDoseHistory(study.plans, study.treatmentRecords).courses[0];
    if (!history) throw new Error('no course history');
    const row = (await tableRows(page, 'Courses'))['Course 1'];
    expect(row?.slice(0, 6)).toEqual([
      '60.0',
      '30',
      '2.00',
      String(history.fractionsDelivered),
      '1',
      (history.deliveredDoseGy as number).toFixed(2),
    ]);
    expect(history.fractionsDelivered).toBe(5);

    const sessions = page.getByRole('table', { name: 'Treatment sessions of Course 1' });
    const cells = await sessions.evaluate((el) =>
      Array.from(el.querySelectorAll('tbody tr')).map((tr) =>
        Array.from(tr.querySelectorAll('td'))
          .slice(0, 6)
          .map((td) => td.textContent?.trim()),
      ),
    );
    expect(cells).toEqual(
      history.sessions.map((s) => [
        `${s.date?.slice(0, 4)}-${s.date?.slice(4, 6)}-${s.date?.slice(6, 8)}`,
        '08:15',
        String(s.fractionNumber),
        s.status,
        s.plannedMeterset.toFixed(1),
        s.deliveredMeterset.toFixed(1),
      ]),
    );
    expect(cells.filter((c) => c[3] === 'missed')).toHaveLength(1);
    await shell.screenshot('e2e', 'viewer-physicist-history');
  });

  it('sums two courses in one frame of reference with the summed DVH', async () => {
    const { page } = shell;
    await page.getByLabel('Add another course…').setInputFiles(filesIn(courseB.dir));
    await expect
      .poll(async () => Object.keys(await tableRows(page, 'Courses')))
      .toEqual(['Course 1', 'Course 2']);
    await page.getByRole('button', { name: 'Sum 2 selected dose grids' }).click();
    await expect
      .poll(async () => (await tableRows(page, 'Summed DVH statistics')).SPINAL_CORD?.length, {
        timeout: 30_000,
      })
      .toBe(9);

    const a = studyOf(filesIn(courseA.dir));
    const b = studyOf(filesIn(courseB.dir));
    const summed = sumDoseGrids([{ grid: a.doses[0]! }, { grid: b.doses[0]! }]).grid;
    const cord = a.structureSets[0]?.rois.find((r) => r.name === 'SPINAL_CORD');
    if (!cord) throw new Error('no cord');
    const cordDvh = computeDvh(cord, summed);
    const rows = await tableRows(page, 'Summed DVH statistics');
    expect(rows.SPINAL_CORD).toEqual(expectedRow(cordDvh, 45));
    // The cumulative cord maximum is more than either course alone gives it.
    const alone = computeDvh(cord, a.doses[0]!).maxGy;
    expect(cordDvh.maxGy).toBeGreaterThan(alone * 1.2);
    expect(await page.getByTestId('summed-max').textContent()).toBe(
      `${summed.maxDose.toFixed(2)} Gy`,
    );
    expect(await page.getByLabel('Summation provenance').textContent()).toContain(
      "first course's grid kept as the reference",
    );
    await page.getByRole('region', { name: 'Dose summation' }).scrollIntoViewIfNeeded();
    await shell.screenshot('e2e', 'viewer-physicist-summation');
  });

  it('checks the cumulative cord against the constraint table; a changed limit changes its result and is saved', async () => {
    const { page } = shell;
    const row = page.locator(
      'tr[data-constraint="Spinal cord (cumulative, re-irradiation) Dmax"][data-roi="SPINAL_CORD"]',
    );
    await expect
      .poll(() => row.getAttribute('data-status'), { timeout: 30_000 })
      .toMatch(/^(pass|close|fail)$/);

    // Node: each course in EQD2 with its own fractions (30 and 5), α/β 2 Gy, then summed.
    const a = studyOf(filesIn(courseA.dir));
    const b = studyOf(filesIn(courseB.dir));
    const cord = a.structureSets[0]?.rois.find((r) => r.name === 'SPINAL_CORD');
    if (!cord) throw new Error('no cord');
    const eqd2Max = (alphaBetaGy: number) =>
      computeDvh(
        cord,
        sumDoseGrids(
          [
            { grid: a.doses[0]!, fractions: 30 },
            { grid: b.doses[0]!, fractions: 5 },
          ],
          { biological: { quantity: 'EQD2', alphaBetaGy } },
        ).grid,
      ).maxGy;
    const cordEqd2 = eqd2Max(2);
    const value = row.getByTestId('constraint-value');
    expect(await value.textContent()).toBe(`${cordEqd2.toFixed(2)} Gy`);
    expect(await row.getByTestId('alpha-beta-used').textContent()).toContain(
      '2.0 used · default 2.0',
    );

    const limit = row.getByLabel(/^Limit of Spinal cord/);
    const statusAfter = async (text: string) => {
      await limit.fill(text);
      return row.getAttribute('data-status');
    };
    expect(await statusAfter((cordEqd2 * 1.5).toFixed(1))).toBe('pass');
    expect(await statusAfter((cordEqd2 * 1.02).toFixed(2))).toBe('close');
    expect(await statusAfter((cordEqd2 * 0.8).toFixed(1))).toBe('fail');
    expect(await row.locator('.rt-status').textContent()).toBe('fail');
    // A limit that is not a number is named and changes nothing.
    await limit.fill('sixty');
    expect(await row.getByRole('alert').textContent()).toContain('“sixty” is not a number');
    expect(await row.getAttribute('data-status')).toBe('fail');
    await limit.fill((cordEqd2 * 0.8).toFixed(1));
    expect(await row.getByRole('alert').count()).toBe(0);

    // A new α/β: the worker sums EQD2 again at 3 Gy; the default stays shown.
    await row.getByLabel(/^α\/β of Spinal cord/).fill('3');
    await expect
      .poll(() => value.textContent(), { timeout: 30_000 })
      .toBe(`${eqd2Max(3).toFixed(2)} Gy`);
    expect(await row.getByTestId('alpha-beta-used').textContent()).toContain(
      '3.0 used · default 2.0',
    );

    // A row added for one structure, evaluated at once, then removed again.
    const add = page.getByRole('group', { name: 'Add a constraint' });
    await add.getByLabel('New constraint’s structure').selectOption('PTV');
    await add.getByLabel('New constraint’s metric').selectOption('Dmean');
    await add.getByLabel('New constraint’s dose').selectOption('PHYSICAL');
    await add.getByLabel('New constraint’s limit').fill('70');
    await add.getByRole('button', { name: 'Add constraint' }).click();
    const ptv = page.locator('tr[data-constraint="PTV Dmean"][data-roi="PTV"]');
    await expect.poll(() => ptv.getAttribute('data-status')).toBe('fail');
    const ptvMean = (await tableRows(page, 'Summed DVH statistics')).PTV?.[5];
    expect(await ptv.getByTestId('constraint-value').textContent()).toBe(`${ptvMean} Gy`);
    await ptv.getByRole('button', { name: /^Remove PTV Dmean/ }).click();
    await expect.poll(() => ptv.count()).toBe(0);

    // Saved on the workstation: what a restart would read back.
    const saved = await app.handlers.getConstraintTable(undefined);
    expect(saved.isDefault).toBe(false);
    expect(saved.constraints[0]).toMatchObject({
      limit: Number((cordEqd2 * 0.8).toFixed(1)),
      alphaBetaGy: 3,
    });
    await page.getByRole('region', { name: 'Dose constraints' }).scrollIntoViewIfNeeded();
    await shell.screenshot('e2e', 'viewer-physicist-constraints');
  });

  it('exports the dose report as PDF and CSV holding the numbers the screen shows', async () => {
    const { page } = shell;
    const row = page.locator(
      'tr[data-constraint="Spinal cord (cumulative, re-irradiation) Dmax"][data-roi="SPINAL_CORD"]',
    );
    const shown = (await row.getByTestId('constraint-value').textContent())?.replace(' Gy', '');
    const limit = Number(await row.getByLabel(/^Limit of Spinal cord/).inputValue()).toFixed(2);
    const status = await row.getAttribute('data-status');
    const [volume, , , , , mean, max] = (await tableRows(page, 'Summed DVH statistics'))
      .SPINAL_CORD as string[];
    const saved = page.getByTestId('report-saved');

    reportPath = join(root.path, 'dose-history.pdf');
    await page.getByRole('button', { name: 'Export dose report (PDF)…' }).click();
    await expect.poll(() => saved.textContent()).toBe(`Report saved to ${reportPath}`);
    const pdf = execFileSync('pdftotext', ['-layout', reportPath, '-'], { encoding: 'utf8' });
    expect(pdf).toContain('Dose history and re-irradiation constraints');
    expect(pdf).toContain('ACTION-EHR Workstation 0.1.0');
    expect(pdf).toMatch(/Registration used\s+none: same frame of reference/);
    expect(pdf).toMatch(/Course 1\s+—\s+2024-01-08\s+2024-01-15\s+60\.0\s+2\.00\s+30\s+5\s+10\.00/);
    expect(pdf).toMatch(
      /Course 2\s+Hospital B\s+2025-03-03\s+2025-03-07\s+20\.0\s+4\.00\s+5\s+5\s+20\.00/,
    );
    expect(pdf).toMatch(new RegExp(`SPINAL_CORD\\s+${volume}\\s+[\\d.]+\\s+${mean}\\s+${max}\\s`));
    expect(pdf).toMatch(
      new RegExp(`SPINAL_CORD\\s+Dmax\\s+EQD2\\s+3\\.0\\s+${shown}\\s+${limit}\\s+Gy\\s+${status}`),
    );
    expect(pdf).toContain('SPINAL_CORD: 3.0 Gy (edited; published default 2.0 Gy)');

    reportPath = join(root.path, 'dose-history.csv');
    await page.getByRole('button', { name: 'Export dose report (CSV)…' }).click();
    await expect.poll(() => saved.textContent()).toBe(`Report saved to ${reportPath}`);
    const csv = readFileSync(reportPath, 'utf8');
    const lines = csv.split('\r\n');
    expect(lines).toContain(
      `"Spinal cord (cumulative, re-irradiation)",SPINAL_CORD,Dmax,EQD2,3.0,${shown},${limit},Gy,${status},department table (edited on this workstation)`,
    );
    // Structure, volume, min, mean, max, D2cc, D0.03cc: the summed DVH row on screen.
    const organ = lines.find((l) => l.startsWith(`SPINAL_CORD,${volume},`))?.split(',');
    expect([organ?.[3], organ?.[4]]).toEqual([mean, max]);
    // RFC 4180: a field with a comma is quoted.
    expect(csv).toContain(
      ',"QUANTEC, Marks et al. IJROBP 2010;76(3 Suppl): Mayo et al., brainstem Dmax < 54 Gy"',
    );

    // A place that cannot be written: said so, and nothing is left there.
    reportPath = join(root.path, 'no-such-folder', 'report.pdf');
    await page.getByRole('button', { name: 'Export dose report (PDF)…' }).click();
    await expect
      .poll(() => saved.textContent())
      .toMatch(/could not be saved to .*no-such-folder.*ENOENT\. Choose another place\./);
    expect(existsSync(reportPath)).toBe(false);
    await shell.screenshot('e2e', 'viewer-physicist-report');
  });

  it('refuses to sum courses in different frames of reference, saying why', async () => {
    const { page } = shell;
    await page.getByLabel('Add another course…').setInputFiles(filesIn(courseC.dir));
    await expect.poll(async () => Object.keys(await tableRows(page, 'Courses')).length).toBe(3);
    await page.getByRole('checkbox', { name: /^Course 2 · RD\.dcm/ }).uncheck();
    await page.getByRole('button', { name: 'Sum 2 selected dose grids' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Summation refused' });
    await refusal.waitFor({ timeout: 20_000 });
    expect(await refusal.getAttribute('data-code')).toBe('FRAME_OF_REFERENCE_MISMATCH');
    expect(await refusal.textContent()).toMatch(
      /Course 3 · RD\.dcm is in .*no registration between them is available/,
    );
    expect(await page.getByRole('table', { name: 'Summed DVH statistics' }).count()).toBe(0);
    await refusal.scrollIntoViewIfNeeded();
    await shell.screenshot('e2e', 'viewer-physicist-refused');
  });
});

// The codecs in the real worker: WebAssembly compiled under the app's CSP from the .wasm
// files Vite bundled. Each CT slice of a course is in another syntax, written by dcmtk or
// GDCM; every one must decode (none listed as unusable) and show the same picture as the
// uncompressed course.
const codecTools = missingTools();
if (codecTools.length > 0)
  console.warn(`compressed-CT viewer test skipped: ${codecTools.join(', ')} not installed`);

describe.skipIf(codecTools.length > 0)('compressed CT in the viewer’s worker', () => {
  const home = tempDir('viewer-codecs');
  let app: ComposedApp;
  let shell: BrowserShell;
  const plain = writeCourse('codec-plain', { matrix: 64, slices: VARIANTS.length });
  const compressed = join(root.path, 'codec-compressed');

  beforeAll(async () => {
    mkdirSync(compressed, { recursive: true });
    for (const path of filesIn(plain.dir)) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      const k = Number(/^CT_(\d+)/.exec(name)?.[1] ?? 0) - 1;
      const variant = VARIANTS[k];
      if (variant) variant.make(path, join(compressed, name));
      else writeFileSync(join(compressed, name), readFileSync(path));
    }
    app = composeFor(home.path, 'oncologist');
    shell = await openBrowserShell({
      dispatch: app.dispatch,
      viewport: { width: 1400, height: 1000 },
    });
  });
  afterAll(async () => {
    await shell?.close();
    app?.close();
    home.cleanup();
  });

  it('decodes JPEG Lossless, JPEG-LS, JPEG 2000, RLE, deflated and big endian slices', async () => {
    const { page } = shell;
    await page.getByRole('button', { name: 'Review', exact: true }).click();
    const viewport = page.getByRole('group', { name: 'CT image' });
    const brightnessPerSlice = async (files: string[]) => {
      await page.getByLabel('Open course files…').setInputFiles(files);
      await expect
        .poll(() => viewport.getAttribute('data-rendered-slice'), { timeout: 20_000 })
        .not.toBeNull();
      // The course itself, not only its first picture (which comes before the parse).
      await page.getByRole('button', { name: 'No dose' }).waitFor();
      expect(await page.getByRole('alert').filter({ hasText: 'could not be used' }).count()).toBe(
        0,
      );
      expect(await page.getByTestId('slice-label').textContent()).toMatch(
        new RegExp(`/ ${VARIANTS.length}$`),
      );
      await page.getByRole('button', { name: 'No dose' }).click();
      const values: number[] = [];
      for (let k = 0; k < VARIANTS.length; k++) {
        await page.getByRole('slider', { name: 'Slice' }).fill(String(k + 1));
        await expect.poll(() => viewport.getAttribute('data-rendered-slice')).toBe(String(k));
        values.push(await patchBrightness(page, 0.5, 0.62));
      }
      return values;
    };
    const fromCompressed = await brightnessPerSlice(filesIn(compressed));
    await shell.screenshot('e2e', 'viewer-compressed-ct');
    await page.reload();
    await page.getByRole('button', { name: 'Review', exact: true }).click();
    const fromPlain = await brightnessPerSlice(filesIn(plain.dir));
    // Lossy JPEG 2000 may shift a grey level by a step; the lossless ones must not.
    fromCompressed.forEach((value, k) =>
      expect(Math.abs(value - (fromPlain[k] as number)), VARIANTS[k]?.name).toBeLessThanOrEqual(
        VARIANTS[k]?.lossy ? 3 : 0,
      ),
    );
  });

  // Decode on demand: the course is there before its slices are decoded; scrolling right
  // after it loads shows each slice as the uncompressed course does, and the damaged one
  // says so in its place while the others still scroll.
  it('scrolls a JPEG-LS series right after it loads, each slice its own, a damaged one named', async () => {
    const { page } = shell;
    const lazyPlain = writeCourse('lazy-plain', { matrix: 64, slices: 9, seed: 'lazy-e2e' });
    const lazy = join(root.path, 'lazy-jpeg-ls');
    mkdirSync(lazy, { recursive: true });
    const damagedName = 'CT_0006.dcm';
    for (const path of filesIn(lazyPlain.dir)) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      if (!name.startsWith('CT_')) {
        writeFileSync(join(lazy, name), readFileSync(path));
        continue;
      }
      execFileSync('/usr/bin/dcmcjpls', [path, join(lazy, name)]);
      if (name === damagedName) {
        // Zeros over the last two thirds of its codestream (not its end marker).
        const bytes = new Uint8Array(readFileSync(join(lazy, name)));
        let item = bytes.length - 4;
        while (
          item > 0 &&
          !(
            bytes[item] === 0xfe &&
            bytes[item + 1] === 0xff &&
            bytes[item + 2] === 0 &&
            bytes[item + 3] === 0xe0
          )
        )
          item--;
        const length = new DataView(bytes.buffer).getUint32(item + 4, true);
        bytes.fill(0, item + 8 + Math.floor(length / 3), item + 8 + length - 4);
        writeFileSync(join(lazy, name), bytes);
      }
    }
    const damagedIndex = Number(/\d+/.exec(damagedName)?.[0]) - 1;
    const viewport = page.getByRole('group', { name: 'CT image' });
    const open = async (files: string[]) => {
      await page.reload();
      await page.getByRole('button', { name: 'Review', exact: true }).click();
      await page.getByLabel('Open course files…').setInputFiles(files);
      await page.getByRole('button', { name: 'No dose' }).waitFor();
      await page.getByRole('button', { name: 'No dose' }).click();
      expect(await page.getByTestId('slice-label').textContent()).toMatch(/\/ 9$/);
    };
    // The reference: the uncompressed course, slice by slice.
    await open(filesIn(lazyPlain.dir));
    const plainValues: number[] = [];
    for (let k = 0; k < 9; k++) {
      await page.getByRole('slider', { name: 'Slice' }).fill(String(k + 1));
      await expect.poll(() => viewport.getAttribute('data-rendered-slice')).toBe(String(k));
      plainValues.push(await canvasChecksum(page));
    }
    // Slices that differ, so a slice shown in another's place cannot pass.
    expect(new Set(plainValues.filter((_, k) => k !== damagedIndex)).size).toBeGreaterThan(3);
    await open(filesIn(lazy));
    // The damaged file's headers read: it is a slice of the course, not a refused file.
    expect(await page.getByRole('alert').filter({ hasText: 'could not be used' }).count()).toBe(0);
    // Right after the load: from the first slice up, one key press at a time.
    await viewport.focus();
    await page.keyboard.press('Home');
    for (let k = 0; k < 9; k++) {
      if (k > 0) await page.keyboard.press('ArrowUp');
      await expect
        .poll(async () =>
          (await page.getByTestId('slice-label').textContent())?.replace(/\s+/g, ' '),
        )
        .toBe(`Slice ${k + 1} / 9`);
      if (k === damagedIndex) {
        await expect
          .poll(() => viewport.getByRole('alert').textContent())
          .toMatch(
            new RegExp(
              `^This slice cannot be shown: ${damagedName}: .*JPEG-LS Lossless.*: the frame cannot be decoded`,
            ),
          );
        // No other slice's picture under the message.
        expect(
          await viewport.locator('.rt-canvas').evaluate((el) => getComputedStyle(el).visibility),
        ).toBe('hidden');
        continue;
      }
      await expect.poll(() => viewport.getAttribute('data-rendered-slice')).toBe(String(k));
      expect(await viewport.getByRole('alert').count()).toBe(0);
      expect(await canvasChecksum(page), `slice ${k + 1}`).toBe(plainValues[k]);
    }
    await shell.screenshot('e2e', 'viewer-decode-on-demand');
  });
});
