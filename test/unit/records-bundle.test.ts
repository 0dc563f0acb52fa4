// A record's plaintext: the bundle of its files, and the classification of picked files into
// the ledger's categories. Bad input is refused by name, before anything is stored or shown.
import { describe, expect, it } from 'vitest';
import { bundlePieces, bundleSize, readBundle } from '../../src/main/records/bundle';
import { classifyFiles, groupIntoRecords } from '../../src/main/records/classify';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';

const files = [
  { name: 'CT_0001.dcm', bytes: new Uint8Array([1, 2, 3]) },
  { name: 'empty', bytes: new Uint8Array(0) },
  { name: 'Über 名前.json', bytes: new TextEncoder().encode('{"resourceType":"Observation"}') },
];
const bundled = () => Buffer.concat([...bundlePieces(files)]);

describe('record bundles', () => {
  it('round-trips names and bytes, and knows its size up front', () => {
    const bytes = bundled();
    expect(bytes.length).toBe(bundleSize(files));
    const back = readBundle(bytes);
    expect(back.map((f) => f.name)).toEqual(files.map((f) => f.name));
    back.forEach((f, i) =>
      expect(Buffer.from(f.bytes).equals(Buffer.from(files[i]!.bytes))).toBe(true),
    );
  });

  it.each([
    ['no signature', () => Buffer.from('not a bundle at all')],
    ['a truncated body', () => bundled().subarray(0, bundled().length - 1)],
    ['trailing bytes', () => Buffer.concat([bundled(), Buffer.from([0])])],
    [
      'an absurd header length',
      () => {
        const b = bundled();
        b.writeUInt32BE(0xffffffff, 8);
        return b;
      },
    ],
    [
      'a control character in a name',
      () => Buffer.concat([...bundlePieces([{ name: 'a\u0000b', bytes: new Uint8Array(1) }])]),
    ],
  ])('refuses %s as altered', (_what, make) => {
    expect(() => readBundle(make())).toThrow(expect.objectContaining({ code: 'RECORD_ALTERED' }));
  });
});

describe('classifying picked files', () => {
  it('files a synthetic course into imaging, plan, dose and treatment records', () => {
    const course = synthesizeCourse({ slices: 4, deliveredFractions: 2 });
    const groups = groupIntoRecords(classifyFiles(course.files));
    const byCategory = Object.fromEntries(
      groups.map((g) => [g.category, g.files.map((f) => f.kind)]),
    );
    expect(byCategory.imaging).toEqual(Array(4).fill('CT image'));
    expect(byCategory['radiotherapy-plan']?.sort()).toEqual(['RT Plan', 'RT Structure Set']);
    expect(byCategory.dose).toEqual(['RT Dose']);
    expect(byCategory['treatment-record']?.length).toBe(course.sessions.length);
    expect(groups.every((g) => g.format === 'application/dicom')).toBe(true);
  });

  it('files FHIR R4 resources by type', () => {
    const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    const groups = groupIntoRecords(
      classifyFiles([
        { name: 'hb.json', bytes: json({ resourceType: 'Observation', status: 'final' }) },
        { name: 'dx.json', bytes: json({ resourceType: 'Condition' }) },
        { name: 'rx.json', bytes: json({ resourceType: 'MedicationRequest' }) },
      ]),
    );
    expect(groups.map((g) => [g.category, g.format])).toEqual([
      ['lab', 'application/fhir+json'],
      ['clinical-note', 'application/fhir+json'],
      ['medication', 'application/fhir+json'],
    ]);
  });

  it.each([
    [
      'a file that is neither DICOM nor JSON',
      { name: 'notes.txt', bytes: new TextEncoder().encode('hello') },
      /notes\.txt could not be read as DICOM/,
    ],
    [
      'JSON that is not FHIR',
      { name: 'x.json', bytes: new TextEncoder().encode('{"a":1}') },
      /x\.json is JSON but not a FHIR resource/,
    ],
    [
      'a FHIR type the workstation does not share',
      { name: 'p.json', bytes: new TextEncoder().encode('{"resourceType":"Patient"}') },
      /p\.json is a FHIR Patient/,
    ],
    [
      'broken JSON',
      { name: 'b.json', bytes: new TextEncoder().encode('{"resourceType":') },
      /b\.json is not valid JSON/,
    ],
  ])('refuses %s by name, adding nothing', (_what, file, message) => {
    expect(() => classifyFiles([file])).toThrow(
      expect.objectContaining({ code: 'FILES_REFUSED', message: expect.stringMatching(message) }),
    );
  });
});
