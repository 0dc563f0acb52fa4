import { describe, expect, it } from 'vitest';
import { formatDecimalString, writePart10 } from '../../src/shared/rt/dicom-writer';
import { dicomParser } from '../../src/shared/rt/parse/dicom-parser';
import { openDicom } from '../../src/shared/rt/parse/open';

describe('DICOM writer', () => {
  const bytes = writePart10({
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.481.5',
    SOPInstanceUID: '2.25.123',
    PatientName: 'DOE^JANE',
    PatientID: 'ODD', // odd length: padded with a space
    SeriesNumber: 7,
    ImagePositionPatient: [-1.5, 2, 1 / 3],
    Rows: 512,
    FrameIncrementPointer: 0x3004000c,
    AccessionNumber: null,
    BeamSequence: [{ BeamNumber: 1, BeamName: 'A' }, { BeamNumber: 2 }],
    PixelData: new Uint16Array([1, 65535]),
  });

  it('writes a Part 10 file dicom-parser reads back with the same values and VRs', () => {
    expect(new TextDecoder().decode(bytes.subarray(128, 132))).toBe('DICM');
    const { reader, transferSyntaxUid, part10 } = openDicom(bytes, 'w.dcm');
    expect(part10).toBe(true);
    expect(transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect(reader.requireString('PatientName')).toBe('DOE^JANE');
    expect(reader.requireString('PatientID')).toBe('ODD');
    expect(reader.requireNumber('SeriesNumber')).toBe(7);
    const position = reader.requireNumbers('ImagePositionPatient', 3);
    expect(position.slice(0, 2)).toEqual([-1.5, 2]);
    expect(position[2]).toBeCloseTo(1 / 3, 13); // 16-character DS limit
    expect(reader.requireNumber('Rows')).toBe(512);
    expect(reader.has('AccessionNumber')).toBe(false);
    expect(reader.dataSet.elements.x00080050?.length).toBe(0); // present but empty
    expect(reader.dataSet.attributeTag('x00280009')).toBe('x3004000c');
    const beams = reader.items('BeamSequence');
    expect(beams.map((b) => b.requireNumber('BeamNumber'))).toEqual([1, 2]);
    expect(beams[1]?.path).toBe('BeamSequence[2]');
    expect(Array.from(reader.bytes('PixelData') ?? [])).toEqual([1, 0, 255, 255]);
    const parsed = dicomParser.parseDicom(bytes);
    expect(parsed.elements.x00100020?.vr).toBe('LO');
    expect(parsed.elements.x00100020?.length).toBe(4);
    expect(parsed.elements.x00020000 && parsed.uint32('x00020000')).toBeGreaterThan(0);
  });

  it('writes elements in ascending tag order', () => {
    const parsed = dicomParser.parseDicom(bytes);
    const offsets = Object.keys(parsed.elements)
      .filter((k) => !k.startsWith('x0002'))
      .map((k) => [k, parsed.elements[k]?.dataOffset ?? 0] as const);
    const byTag = [...offsets].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const byOffset = [...offsets].sort((a, b) => a[1] - b[1]);
    expect(byOffset.map((e) => e[0])).toEqual(byTag.map((e) => e[0]));
  });

  it('keeps decimal strings within 16 characters', () => {
    expect(formatDecimalString(1 / 3)).toHaveLength(16);
    expect(Number(formatDecimalString(1 / 3))).toBeCloseTo(1 / 3, 13);
    expect(formatDecimalString(-123456.789012345)).toHaveLength(16);
    expect(formatDecimalString(2)).toBe('2');
    expect(() => formatDecimalString(Number.NaN)).toThrow(RangeError);
  });

  it('refuses text it would have to mis-encode', () => {
    expect(() =>
      writePart10({ SOPClassUID: '1.2', SOPInstanceUID: '2.25.1', PatientName: 'MÜLLER' }),
    ).toThrow(/non-ASCII/);
    expect(() =>
      writePart10({ SOPClassUID: '1.2', SOPInstanceUID: '2.25.1', SeriesNumber: 1.5 }),
    ).toThrow(/IS needs an integer/);
  });
});
