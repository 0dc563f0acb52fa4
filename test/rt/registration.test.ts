// Rigid registrations as DICOM Spatial Registration objects: ours read back to the same
// matrix and pass dciodvfy; one written by pydicom (another tool, as a planning system
// would export it) is read; pydicom reads ours to the same numbers; non-rigid content and
// damaged matrices are refused by name and never used.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStudy } from '../../src/shared/rt/study';
import {
  applyMatrix,
  invertRigid,
  rigidFromEuler,
  rotationAngleDeg,
  type RigidTransform,
} from '../../src/shared/rt/registration/rigid';
import {
  parseSpatialRegistration,
  transformBetween,
  writeSpatialRegistration,
  type SpatialRegistrationSpec,
} from '../../src/shared/rt/registration/spatial-registration';

const PRIOR_FOR = '1.2.826.0.1.3680043.8.498.1001';
const CURRENT_FOR = '1.2.826.0.1.3680043.8.498.2002';
const DEG = Math.PI / 180;

const transform: RigidTransform = {
  sourceFrameOfReferenceUid: PRIOR_FOR,
  targetFrameOfReferenceUid: CURRENT_FOR,
  matrix: rigidFromEuler([2 * DEG, -1.5 * DEG, 4 * DEG], [12.5, -7.25, 30], [0, -20, 100]),
};

function spec(overrides: Partial<SpatialRegistrationSpec> = {}): SpatialRegistrationSpec {
  return {
    transform,
    sopInstanceUid: '1.2.826.0.1.3680043.8.498.3003',
    seriesInstanceUid: '1.2.826.0.1.3680043.8.498.3004',
    patient: { patientName: 'Test^Patient', patientId: 'P-1', patientSex: 'F' },
    study: { studyInstanceUid: '1.2.826.0.1.3680043.8.498.3005', studyDate: '20260302' },
    contentDate: '20260310',
    contentTime: '101500',
    creatorName: 'Physicist^Hospital B',
    description: '2024 CT registered to 2026 planning CT',
    manufacturer: 'ACTION-EHR',
    ...overrides,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'rt-reg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectMatrixClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(16);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 9));
}

describe('rigid transforms', () => {
  it('rotate about their centre and invert exactly', () => {
    const m = transform.matrix;
    // The centre moves by the translation alone.
    expect(applyMatrix(m, [0, -20, 100])).toEqual([
      expect.closeTo(12.5, 9),
      expect.closeTo(-27.25, 9),
      expect.closeTo(130, 9),
    ]);
    const p = [40, 55, -12] as const;
    const back = applyMatrix(invertRigid(m), applyMatrix(m, p));
    back.forEach((v, i) => expect(v).toBeCloseTo(p[i] as number, 9));
    expect(rotationAngleDeg(rigidFromEuler([0, 0, 3 * DEG], [0, 0, 0]))).toBeCloseTo(3, 9);
  });
});

describe('DICOM Spatial Registration', () => {
  const bytes = writeSpatialRegistration(spec());
  const file = join(dir, 'REG.dcm');
  writeFileSync(file, bytes);

  it('reads back what it wrote: the matrix from the prior frame to the current one', () => {
    const reg = parseSpatialRegistration(bytes, 'REG.dcm');
    expect(reg.frameOfReferenceUid).toBe(CURRENT_FOR);
    expect(reg.contentCreatorName).toBe('Physicist^Hospital B');
    expect(reg.transforms).toHaveLength(1);
    const [t] = reg.transforms;
    expect(t?.sourceFrameOfReferenceUid).toBe(PRIOR_FOR);
    expect(t?.targetFrameOfReferenceUid).toBe(CURRENT_FOR);
    expectMatrixClose(t?.matrix ?? [], transform.matrix);
    // Asked the other way round, the same object gives the inverse.
    const reverse = transformBetween(reg, CURRENT_FOR, PRIOR_FOR);
    expectMatrixClose(reverse?.matrix ?? [], invertRigid(transform.matrix));
    expect(transformBetween(reg, PRIOR_FOR, '1.2.3')).toBeUndefined();
  });

  it('is a study object like any other: the study loader lists it', () => {
    const study = loadStudy([{ name: 'REG.dcm', bytes }]);
    expect(study.errors).toEqual([]);
    expect(study.skipped).toEqual([]);
    expect(study.registrations.map((r) => r.sopInstanceUid)).toEqual([spec().sopInstanceUid]);
  });

  it.skipIf(!existsSync('/usr/bin/dciodvfy'))('passes dciodvfy as a Spatial Registration', () => {
    const result = spawnSync('/usr/bin/dciodvfy', [file], { encoding: 'utf8' });
    const output = `${result.stdout}${result.stderr}`;
    expect(output.split('\n')).toContain('SpatialRegistration');
    expect(output.split('\n').filter((line) => line.startsWith('Error'))).toEqual([]);
  });

  const python = '/usr/bin/python3';
  const hasPydicom = existsSync(python) && spawnSync(python, ['-c', 'import pydicom']).status === 0;

  it.skipIf(!hasPydicom)('is read by pydicom to the same matrix', () => {
    const result = spawnSync(
      python,
      [
        '-c',
        `import json, sys, pydicom
ds = pydicom.dcmread(sys.argv[1])
out = [{"for": i.FrameOfReferenceUID, "m": [float(v) for v in i.MatrixRegistrationSequence[0].MatrixSequence[0].FrameOfReferenceTransformationMatrix], "type": i.MatrixRegistrationSequence[0].MatrixSequence[0].FrameOfReferenceTransformationMatrixType} for i in ds.RegistrationSequence]
print(json.dumps({"sop": ds.SOPClassUID, "for": ds.FrameOfReferenceUID, "items": out}))`,
        file,
      ],
      { encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    const read = JSON.parse(result.stdout) as {
      sop: string;
      for: string;
      items: { for: string; m: number[]; type: string }[];
    };
    expect(read.sop).toBe('1.2.840.10008.5.1.4.1.1.66.1');
    expect(read.for).toBe(CURRENT_FOR);
    expect(read.items.map((i) => [i.for, i.type])).toEqual([
      [CURRENT_FOR, 'RIGID'],
      [PRIOR_FOR, 'RIGID'],
    ]);
    expectMatrixClose(read.items[1]?.m ?? [], transform.matrix);
  });

  /** A REG as another system writes it, with pydicom: `items` are (frame, matrix, type). */
  function pydicomReg(name: string, items: string, sopClass = '1.2.840.10008.5.1.4.1.1.66.1') {
    const out = join(dir, name);
    const result = spawnSync(
      python,
      [
        '-c',
        `import sys, pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian
meta = FileMetaDataset()
meta.MediaStorageSOPClassUID = '${sopClass}'
meta.MediaStorageSOPInstanceUID = '1.2.3.4.5.6.7'
meta.TransferSyntaxUID = ExplicitVRLittleEndian
ds = Dataset()
ds.file_meta = meta
ds.SOPClassUID = '${sopClass}'
ds.SOPInstanceUID = '1.2.3.4.5.6.7'
ds.StudyInstanceUID = '1.2.3.4.5.6.8'
ds.SeriesInstanceUID = '1.2.3.4.5.6.9'
ds.Modality = 'REG'
ds.PatientName = 'Other^System'
ds.PatientID = 'X'
ds.FrameOfReferenceUID = '${CURRENT_FOR}'
regs = []
for frame, matrix, kind in ${items}:
    m = Dataset(); m.FrameOfReferenceTransformationMatrixType = kind
    m.FrameOfReferenceTransformationMatrix = [pydicom.valuerep.format_number_as_ds(float(v)) for v in matrix]
    mr = Dataset(); mr.MatrixSequence = Sequence([m]); mr.RegistrationTypeCodeSequence = Sequence([])
    r = Dataset(); r.FrameOfReferenceUID = frame; r.MatrixRegistrationSequence = Sequence([mr])
    regs.append(r)
ds.RegistrationSequence = Sequence(regs)
ds.save_as(sys.argv[1], write_like_original=False)`,
        out,
      ],
      { encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    return new Uint8Array(readFileSync(out));
  }

  const identity = '[1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1]';

  it.skipIf(!hasPydicom)('reads a REG written by pydicom', () => {
    const m = JSON.stringify(transform.matrix);
    const bytes = pydicomReg(
      'pydicom-reg.dcm',
      `[('${CURRENT_FOR}', ${identity}, 'RIGID'), ('${PRIOR_FOR}', ${m}, 'RIGID')]`,
    );
    const reg = parseSpatialRegistration(bytes, 'pydicom-reg.dcm');
    expect(transformBetween(reg, PRIOR_FOR, CURRENT_FOR)).toBeDefined();
    expectMatrixClose(reg.transforms[0]?.matrix ?? [], transform.matrix);
  });

  it.skipIf(!hasPydicom)('refuses non-rigid content by name, and the study keeps the rest', () => {
    const affine = pydicomReg(
      'affine.dcm',
      `[('${PRIOR_FOR}', [1.1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1], 'AFFINE')]`,
    );
    expect(() => parseSpatialRegistration(affine, 'affine.dcm')).toThrow(
      /AFFINE registration is not used: only RIGID/,
    );
    const scaled = pydicomReg(
      'scaled.dcm',
      `[('${PRIOR_FOR}', [1.1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1], 'RIGID')]`,
    );
    expect(() => parseSpatialRegistration(scaled, 'scaled.dcm')).toThrow(
      /FrameOfReferenceTransformationMatrix.*scales or shears/,
    );
    const mirrored = pydicomReg(
      'mirror.dcm',
      `[('${PRIOR_FOR}', [-1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1], 'RIGID')]`,
    );
    expect(() => parseSpatialRegistration(mirrored, 'mirror.dcm')).toThrow(/mirrors the patient/);
    const deformable = pydicomReg(
      'deformable.dcm',
      `[('${PRIOR_FOR}', ${identity}, 'RIGID')]`,
      '1.2.840.10008.5.1.4.1.1.66.3',
    );
    const study = loadStudy([
      { name: 'deformable.dcm', bytes: deformable },
      { name: 'scaled.dcm', bytes: scaled },
      { name: 'REG.dcm', bytes },
    ]);
    expect(study.registrations).toHaveLength(1);
    expect(study.errors.map((e) => [e.file, e.code])).toEqual([
      ['deformable.dcm', 'UNSUPPORTED'],
      ['scaled.dcm', 'BAD_VALUE'],
    ]);
    expect(study.errors[0]?.message).toMatch(/deformable registration cannot be used/);
  });

  it('refuses to write a matrix that is not rigid', () => {
    const scaled = [...transform.matrix];
    scaled[0] = 1.2;
    expect(() =>
      writeSpatialRegistration(spec({ transform: { ...transform, matrix: scaled } })),
    ).toThrow(/registration refused: the matrix scales or shears/);
  });
});
