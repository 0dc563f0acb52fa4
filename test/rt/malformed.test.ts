// A corpus of broken files: truncated at many offsets, tags removed, VRs changed, values
// garbled, random bytes flipped. Parsers may reject a file, but only with RtError, and the
// study loader must keep loading the other files.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writePart10, type DicomDataset } from '../../src/shared/rt/dicom-writer';
import { RtError } from '../../src/shared/rt/errors';
import { dicomParser, type DataSet } from '../../src/shared/rt/parse/dicom-parser';
import { parseImage } from '../../src/shared/rt/parse/image';
import { parseDose } from '../../src/shared/rt/parse/rtdose';
import { parsePlan, type RtPlan } from '../../src/shared/rt/parse/rtplan';
import { parseStructureSet } from '../../src/shared/rt/parse/rtstruct';
import { parseTreatmentRecord } from '../../src/shared/rt/parse/treatment-record';
import { computeDvh } from '../../src/shared/rt/dvh';
import { loadStudy } from '../../src/shared/rt/study';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';
import { structureSetDataset } from '../../src/shared/rt/synth/objects';
import { sphere } from '../../src/shared/rt/synth/shapes';
import { patient } from './helpers';
import { cutAfter, editContours, fileOf, hostileCourse, withLength } from './hostile';

type Parser = (bytes: Uint8Array, file: string) => unknown;

const course = synthesizeCourse({ matrix: 16, slices: 8 });
const seeds: { name: string; bytes: Uint8Array; parse: Parser }[] = [
  { name: 'CT_0001.dcm', parse: parseImage },
  { name: 'RS.dcm', parse: parseStructureSet },
  { name: 'RP.dcm', parse: parsePlan },
  { name: 'RD.dcm', parse: parseDose },
  { name: 'RT_RECORD_01.dcm', parse: parseTreatmentRecord },
].map(({ name, parse }) => {
  const found = course.files.find((f) => f.name === name);
  if (!found) throw new Error(`no ${name}`);
  return { name, bytes: found.bytes, parse };
});
// The same plan in implicit VR, where every length is 32-bit and a damaged one goes unseen
// by the VR checks.
seeds.push({
  name: 'RP_implicit.dcm',
  bytes: fileOf(hostileCourse({}, { implicitVr: ['RP.dcm'] }), 'RP.dcm'),
  parse: parsePlan,
});
const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
for (const [name, parse] of [
  ['rtplan.dcm', parsePlan],
  ['rtdose.dcm', parseDose],
  ['rtstruct.dcm', parseStructureSet],
] as const)
  if (existsSync(`${PYDICOM}/${name}`))
    seeds.push({ name, bytes: new Uint8Array(readFileSync(`${PYDICOM}/${name}`)), parse });

/** Runs a parser and returns the RtError it threw, null on success; anything else fails. */
function outcome(parse: Parser, bytes: Uint8Array, label: string): RtError | null {
  try {
    parse(bytes, label);
    return null;
  } catch (error) {
    if (error instanceof RtError) return error;
    throw new Error(`${label}: threw a non-RtError: ${String(error)}`, { cause: error });
  }
}

/** Offsets of every element header (top level and nested), with its explicit VR if any. */
function elementHeaders(bytes: Uint8Array): { offset: number; vr?: string; long: boolean }[] {
  const headers: { offset: number; vr?: string; long: boolean }[] = [];
  const syntax = bytes[128] === 0x44 ? undefined : { TransferSyntaxUID: '1.2.840.10008.1.2' };
  const walk = (dataSet: DataSet) => {
    for (const element of Object.values(dataSet.elements)) {
      if (element.tag.startsWith('x0002')) continue;
      const long = element.vr ? ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(element.vr) : false;
      const headerSize = element.vr === undefined ? 8 : long ? 12 : 8;
      if (!element.hadUndefinedLength)
        headers.push({ offset: element.dataOffset - headerSize, vr: element.vr, long });
      for (const item of element.items ?? []) if (item.dataSet) walk(item.dataSet);
    }
  };
  walk(dicomParser.parseDicom(bytes, syntax));
  return headers.sort((a, b) => a.offset - b.offset);
}

/** Offsets at which a top-level element ends (where a cut leaves a well-formed file). */
function topLevelBoundaries(bytes: Uint8Array): Set<number> {
  const syntax = bytes[128] === 0x44 ? undefined : { TransferSyntaxUID: '1.2.840.10008.1.2' };
  const dataSet = dicomParser.parseDicom(bytes, syntax);
  const ends = new Set<number>();
  for (const element of Object.values(dataSet.elements)) {
    const end = element.dataOffset + element.length;
    ends.add(end);
    if (element.hadUndefinedLength) ends.add(end + 8); // after the delimitation item
  }
  return ends;
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)] as T);
}

describe('malformed input never escapes as anything but RtError', () => {
  for (const seed of seeds) {
    it(`${seed.name}: truncated at many offsets`, () => {
      // A cut exactly between two top-level elements leaves a shorter well-formed file,
      // which may legitimately parse if only optional attributes are lost; every other
      // cut must be reported.
      const boundaries = topLevelBoundaries(seed.bytes);
      const codes = new Set<string>();
      const step = Math.max(1, Math.floor(seed.bytes.length / 300));
      for (let end = 0; end < seed.bytes.length; end += end < 160 ? 1 : step) {
        for (const cut of [end, end + 1]) {
          const error = outcome(seed.parse, seed.bytes.subarray(0, cut), `${seed.name}@${cut}`);
          if (!boundaries.has(cut))
            expect(error, `truncated at ${cut} parsed without complaint`).not.toBeNull();
          if (error) codes.add(error.code);
        }
      }
      expect(codes.has('TRUNCATED')).toBe(true);
    });

    it(`${seed.name}: each element removed, retyped or garbled`, () => {
      for (const header of sample(elementHeaders(seed.bytes), 250)) {
        const { offset } = header;
        const dropped = seed.bytes.slice();
        dropped[offset] = 0x09; // move the tag to a private group: the element disappears
        dropped[offset + 1] = 0x00;
        outcome(seed.parse, dropped, `${seed.name} drop@${offset}`);
        if (header.vr !== undefined) {
          const retyped = seed.bytes.slice();
          const other = header.long
            ? header.vr === 'UT'
              ? 'OB'
              : 'UT'
            : header.vr === 'US'
              ? 'FD'
              : 'US';
          retyped[offset + 4] = other.charCodeAt(0);
          retyped[offset + 5] = other.charCodeAt(1);
          outcome(seed.parse, retyped, `${seed.name} vr@${offset}`);
          const bogus = seed.bytes.slice();
          bogus[offset + 4] = 0x3f; // "??" is no VR at all
          bogus[offset + 5] = 0x3f;
          outcome(seed.parse, bogus, `${seed.name} bogus-vr@${offset}`);
        }
        const garbled = seed.bytes.slice();
        const valueStart = offset + (header.long ? 12 : 8);
        for (let i = valueStart; i < Math.min(valueStart + 8, garbled.length); i++)
          garbled[i] = 0x7a;
        outcome(seed.parse, garbled, `${seed.name} garble@${offset}`);
        const lengthened = seed.bytes.slice();
        lengthened[offset + (header.long ? 10 : 6)] = 0xff; // length runs past the end
        lengthened[offset + (header.long ? 11 : 7)] = 0x7f;
        outcome(seed.parse, lengthened, `${seed.name} length@${offset}`);
      }
    });

    it(`${seed.name}: random byte flips`, () => {
      const random = seededRandom(seed.bytes.length);
      for (let trial = 0; trial < 300; trial++) {
        const mutant = seed.bytes.slice();
        const flips = 1 + Math.floor(random() * 4);
        for (let f = 0; f < flips; f++)
          mutant[Math.floor(random() * mutant.length)] = Math.floor(random() * 256);
        outcome(seed.parse, mutant, `${seed.name} flip#${trial}`);
      }
    });
  }
});

describe('specific errors name the problem', () => {
  const rd = seeds.find((s) => s.name === 'RD.dcm') as (typeof seeds)[number];

  it('a missing required tag gives MISSING_TAG naming it', () => {
    const headers = elementHeaders(rd.bytes);
    const scalingHeader = headers.find(
      (h) =>
        rd.bytes[h.offset] === 0x04 &&
        rd.bytes[h.offset + 1] === 0x30 &&
        rd.bytes[h.offset + 2] === 0x0e,
    );
    if (!scalingHeader) throw new Error('no DoseGridScaling in the synthetic dose');
    const dropped = rd.bytes.slice();
    dropped[scalingHeader.offset] = 0x09;
    const error = outcome(parseDose, dropped, 'RD.dcm');
    expect(error?.code).toBe('MISSING_TAG');
    expect(error?.tag).toBe('(3004,000E) DoseGridScaling');
    expect(error?.message).toMatch(/^RD\.dcm: \(3004,000E\) DoseGridScaling/);
  });

  it('a wrong VR gives WRONG_VR naming the tag', () => {
    const headers = elementHeaders(rd.bytes);
    const scaling = headers.find(
      (h) =>
        rd.bytes[h.offset] === 0x04 &&
        rd.bytes[h.offset + 1] === 0x30 &&
        rd.bytes[h.offset + 2] === 0x0e,
    );
    const retyped = rd.bytes.slice();
    retyped[(scaling?.offset ?? 0) + 4] = 0x4c; // "LO"
    retyped[(scaling?.offset ?? 0) + 5] = 0x4f;
    const error = outcome(parseDose, retyped, 'RD.dcm');
    expect(error?.code).toBe('WRONG_VR');
    expect(error?.tag).toBe('(3004,000E) DoseGridScaling');
  });

  it('a file cut inside the pixel data gives TRUNCATED', () => {
    const error = outcome(parseDose, rd.bytes.subarray(0, rd.bytes.length - 10), 'RD.dcm');
    expect(error?.code).toBe('TRUNCATED');
  });

  it('bytes that are not DICOM give NOT_DICOM', () => {
    const error = outcome(parseDose, new TextEncoder().encode('just a text file, not DICOM'), 'x');
    expect(error?.code).toBe('NOT_DICOM');
  });

  it('an RTSTRUCT that references no image and names no frame of reference gives NO_REFERENCED_IMAGE', () => {
    const dataset = structureSetDataset(
      patient,
      { seriesInstanceUid: '2.25.10', seriesNumber: 1, description: 'RS' },
      {
        sopInstanceUid: '2.25.11',
        frameOfReferenceUid: '2.25.12',
        imageSeriesUid: '2.25.13',
        planes: [{ z: 0, sopInstanceUid: '2.25.14' }],
        rois: [
          {
            number: 1,
            name: 'S',
            color: [1, 2, 3],
            interpretedType: 'PTV',
            solid: sphere([0, 0, 0], 5),
          },
        ],
        label: 'NOREF',
      },
    );
    const contours = (dataset.ROIContourSequence as DicomDataset[]).map((roi) => ({
      ...roi,
      ContourSequence: (roi.ContourSequence as DicomDataset[]).map(
        ({ ContourImageSequence: _unused, ...rest }) => rest,
      ),
    }));
    const { ReferencedFrameOfReferenceSequence: _dropped, ...rest } = dataset;
    // (Naming a frame of reference is enough to be read, with a warning: other-systems.test.ts.)
    const rois = (dataset.StructureSetROISequence as DicomDataset[]).map(
      ({ ReferencedFrameOfReferenceUID: _frame, ...roi }) => roi,
    );
    const error = outcome(
      parseStructureSet,
      writePart10({ ...rest, ROIContourSequence: contours, StructureSetROISequence: rois }),
      'RS.dcm',
    );
    expect(error?.code).toBe('NO_REFERENCED_IMAGE');
    expect(error?.file).toBe('RS.dcm');
  });

  it('two slices at one position make the series INCONSISTENT', () => {
    const ct = course.files.filter((f) => f.name.startsWith('CT_'));
    const duplicate = { name: 'copy.dcm', bytes: (ct[0] as (typeof ct)[number]).bytes };
    const study = loadStudy([...ct, duplicate]);
    expect(study.imageSeries).toHaveLength(0);
    expect(study.errors.map((e) => e.code)).toEqual(['INCONSISTENT']);
    expect(study.errors[0]?.message).toMatch(/share one position/);
  });

  it('the study loader reports the bad file and loads the rest', () => {
    const files = course.files.map((f) =>
      f.name === 'RP.dcm' ? { name: f.name, bytes: f.bytes.subarray(0, 700) } : f,
    );
    files.push({ name: 'notes.txt', bytes: new TextEncoder().encode('hello') });
    const study = loadStudy(files);
    expect(study.errors.map((e) => [e.file, e.code])).toEqual([
      ['RP.dcm', 'TRUNCATED'],
      ['notes.txt', 'NOT_DICOM'],
    ]);
    expect(study.plans).toHaveLength(0);
    expect(study.doses).toHaveLength(1);
    expect(study.structureSets).toHaveLength(1);
    expect(study.imageSeries[0]?.slices).toHaveLength(8);
    expect(study.treatmentRecords).toHaveLength(6);
    expect(study.warnings.some((w) => w.includes('referenced plan'))).toBe(true);
  });
});

/** The first non-finite number anywhere in a parsed object, as a path; undefined if none. */
function nonFinite(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const numbers = value as unknown as ArrayLike<number>;
    for (let i = 0; i < numbers.length; i++)
      if (!Number.isFinite(numbers[i])) return `${path}[${i}]`;
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = nonFinite(inner, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

describe('hostile numbers are refused where they are read, naming the attribute', () => {
  // The synthetic explicit-VR objects, where every DS header carries its VR.
  const synthetic = ['CT_0001.dcm', 'RS.dcm', 'RP.dcm', 'RD.dcm', 'RT_RECORD_01.dcm'];
  for (const seed of seeds.filter((s) => synthetic.includes(s.name)))
    it(`${seed.name}: every decimal string set to ±1e999 is refused or never read`, () => {
      const headers = elementHeaders(seed.bytes).filter((h) => h.vr === 'DS');
      expect(headers.length).toBeGreaterThan(0);
      for (const header of headers) {
        const view = new DataView(seed.bytes.buffer, seed.bytes.byteOffset);
        const length = view.getUint16(header.offset + 6, true);
        // The first value only, padded with spaces, so the multiplicity stays as it was.
        const start = header.offset + 8;
        let slot = 0;
        while (slot < length && seed.bytes[start + slot] !== 0x5c) slot++;
        for (const text of ['1e999', '-1e999']) {
          if (slot < text.length) continue;
          const mutant = seed.bytes.slice();
          const value = text.padEnd(slot, ' ');
          for (let i = 0; i < slot; i++) mutant[start + i] = value.charCodeAt(i);
          const label = `${seed.name} ${text}@${header.offset}`;
          if (outcome(seed.parse, mutant, label)) continue;
          const found = nonFinite(seed.parse(mutant, label));
          expect(found, `${label} reached the parsed object at ${found}`).toBeUndefined();
        }
      }
    });

  function refused(parse: Parser, bytes: Uint8Array, label: string): RtError {
    const error = outcome(parse, bytes, label);
    if (!error) throw new Error(`${label} parsed without complaint`);
    return error;
  }

  it('DS text of ±1e999 (Infinity) in ContourData', () => {
    for (const text of ['1e999', '-1e999']) {
      const course = hostileCourse({
        'RS.dcm': editContours((points) => points.map((v, i) => (i === 4 ? text : v))),
      });
      const error = refused(parseStructureSet, fileOf(course, 'RS.dcm'), `RS ${text}`);
      expect(error.code).toBe('BAD_VALUE');
      expect(error.tag).toBe('(3006,0050) ContourData');
      expect(error.message).toMatch(/not a finite number/);
    }
  });

  it('a ContourData coordinate of 1e9 mm, far outside any patient', () => {
    const course = hostileCourse({
      'RS.dcm': editContours((points) => points.map((v, i) => (i === 0 ? 1e9 : v))),
    });
    const error = refused(parseStructureSet, fileOf(course, 'RS.dcm'), 'RS');
    expect(error.code).toBe('BAD_VALUE');
    expect(error.tag).toBe('(3006,0050) ContourData');
    expect(error.message).toMatch(/1000000000 .*outside/);
  });

  it('a DoseGridScaling of 1e30, which makes doses no machine gives', () => {
    const course = hostileCourse({ 'RD.dcm': (ds) => ({ ...ds, DoseGridScaling: '1e30' }) });
    const error = refused(parseDose, fileOf(course, 'RD.dcm'), 'RD');
    expect(error.code).toBe('BAD_VALUE');
    expect(error.tag).toBe('(3004,000E) DoseGridScaling');
  });

  it('a dose PixelSpacing of 1e999 or 2 m', () => {
    for (const spacing of ['1e999', '2000']) {
      const course = hostileCourse({
        'RD.dcm': (ds) => ({ ...ds, PixelSpacing: [spacing, spacing] }),
      });
      const error = refused(parseDose, fileOf(course, 'RD.dcm'), `RD ${spacing}`);
      expect(error.code).toBe('BAD_VALUE');
      expect(error.tag).toBe('(0028,0030) PixelSpacing');
    }
  });

  it('a dose grid too large for memory, before anything is allocated', () => {
    const course = hostileCourse({ 'RD.dcm': (ds) => ({ ...ds, Rows: 65535, Columns: 65535 }) });
    const error = refused(parseDose, fileOf(course, 'RD.dcm'), 'RD');
    expect(error.code).toBe('BAD_VALUE');
    expect(error.message).toMatch(/65535 × 65535 × 8 .*too large/);
  });

  it('the DVH refuses work beyond its bound instead of running for ever', () => {
    const course = hostileCourse({});
    const study = loadStudy(course.files);
    const set = study.structureSets[0];
    const grid = study.doses[0];
    const roi = set?.rois.find((r) => r.name === 'PTV');
    if (!roi || !grid) throw new Error('the synthetic course lost its PTV or dose');
    // A legal ROI at a lattice of 1 µm: billions of samples per plane.
    let error: unknown;
    try {
      computeDvh(roi, grid, { resolutionMm: 0.001 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RtError);
    expect((error as RtError).message).toMatch(/ROI "PTV".*ContourData.*more than the limit/);
    // The bound leaves ordinary input alone.
    expect(computeDvh(roi, grid).volumeCc).toBeGreaterThan(0);
  });
});

describe('a damaged RT Plan says so instead of reading as an empty plan', () => {
  const implicit = fileOf(hostileCourse({}, { implicitVr: ['RP.dcm'] }), 'RP.dcm');
  const explicit = fileOf(hostileCourse({}), 'RP.dcm');

  /** What a reviewer reads from a plan; none of it may change without a warning. */
  function essentials(plan: RtPlan): string {
    const { file: _file, warnings: _warnings, ...rest } = plan;
    return JSON.stringify(rest);
  }

  it('an undefined length (0xFFFFFFFF) on a plain attribute is reported, not swallowed', () => {
    const plan = parsePlan(withLength(implicit, 'ApprovalStatus', 0xffffffff), 'RP.dcm');
    expect(plan.approvalStatus).toBeUndefined();
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toMatch(/\(300E,0002\) ApprovalStatus.*undefined length/);
    // Earlier in the file it swallows required content: an error, not an empty plan.
    const error = outcome(parsePlan, withLength(implicit, 'RTPlanName', 0xffffffff), 'RP.dcm');
    expect(error?.message).toMatch(/\(300A,0003\) RTPlanName.*undefined length/);
  });

  it('a plan cut after its first elements is an error naming what is missing', () => {
    const error = outcome(parsePlan, cutAfter(implicit, 'RTPlanGeometry'), 'RP.dcm');
    expect(error?.code).toBe('MISSING_TAG');
    expect(error?.tag).toBe('(300A,0070) FractionGroupSequence');
  });

  it('required beam attributes missing from an intact file are an error', () => {
    const course = hostileCourse({
      'RP.dcm': (ds) => ({
        ...ds,
        BeamSequence: (ds.BeamSequence as DicomDataset[]).map((beam) => ({
          ...beam,
          ControlPointSequence: (beam.ControlPointSequence as DicomDataset[]).map(
            ({ GantryAngle: _gantry, ...point }) => point,
          ),
        })),
      }),
    });
    const error = outcome(parsePlan, fileOf(course, 'RP.dcm'), 'RP.dcm');
    expect(error?.code).toBe('MISSING_TAG');
    expect(error?.tag).toBe('(300A,011E) GantryAngle');
    expect(error?.message).toMatch(/BeamSequence\[1\] > ControlPointSequence\[1\]/);
  });

  for (const [name, bytes] of [
    ['implicit VR', implicit],
    ['explicit VR', explicit],
  ] as const)
    it(`${name}: no damaged length loses or garbles content silently`, () => {
      const base = essentials(parsePlan(bytes, 'RP.dcm'));
      const implicitVr = name === 'implicit VR';
      const headers = elementHeaders(bytes);
      let silent = 0;
      for (const header of headers) {
        const at = header.offset + (implicitVr ? 4 : header.long ? 8 : 6);
        const wide = implicitVr || header.long;
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const length = wide ? view.getUint32(at, true) : view.getUint16(at, true);
        for (const damaged of [0xffffffff, 0, length + 2, length - 2, length + 8]) {
          if (damaged < 0 || (!wide && damaged > 0xffff)) continue;
          const mutant = bytes.slice();
          const mutantView = new DataView(mutant.buffer);
          if (wide) mutantView.setUint32(at, damaged >>> 0, true);
          else mutantView.setUint16(at, damaged, true);
          const label = `RP ${name} length ${damaged}@${header.offset}`;
          const error = outcome(parsePlan, mutant, label);
          if (error) continue;
          const plan = parsePlan(mutant, label);
          if (plan.warnings.length === 0 && essentials(plan) !== base) {
            silent++;
            expect.soft(essentials(plan), `${label} changed the plan silently`).toBe(base);
          }
        }
      }
      expect(silent).toBe(0);
    });

  it('UIDs with letters or control characters are refused, naming the attribute', () => {
    for (const uid of ['1.2.840.abc', '1.2.\u00013', '1..2', '1.2.']) {
      const course = hostileCourse({
        'RP.dcm': (ds) => ({
          ...ds,
          ReferencedStructureSetSequence: [
            {
              ReferencedSOPClassUID: '1.2.840.10008.5.1.4.1.1.481.3',
              ReferencedSOPInstanceUID: uid,
            },
          ],
        }),
      });
      const error = outcome(parsePlan, fileOf(course, 'RP.dcm'), 'RP.dcm');
      expect(error?.code, JSON.stringify(uid)).toBe('BAD_VALUE');
      expect(error?.tag).toBe('(0008,1155) ReferencedSOPInstanceUID');
      expect(error?.message).toMatch(/not a valid UID/);
    }
  });
});
