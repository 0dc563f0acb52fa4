// Multi-frame images: an Enhanced CT (every slice a frame, positions in per-frame
// functional groups, orientation, spacing and rescale shared) gives every frame as a slice
// of one series, uncompressed and compressed frame by frame by dcmtk; a frame that says
// nowhere where it is fails the object naming the frame; a plain CT Image with several
// frames (no position per frame) is refused rather than read as its first frame.

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCodecLoader } from '../../src/shared/rt/codecs/load';
import { writePart10, type DicomDataset } from '../../src/shared/rt/dicom-writer';
import { SOP_CLASS } from '../../src/shared/rt/dictionary';
import { loadStudy } from '../../src/shared/rt/study';
import { inspectFiles } from '../../src/shared/rt/inspect';
import { readStudy } from '../../src/shared/rt/study-reader';
import { TOOLS, missingTools, readBytes, run } from './codec-fixtures';

const FRAMES = 5;
const MATRIX = 40;

/** Stored values of frame k: a ramp that differs per frame, with noise. */
function frameValues(k: number): Uint16Array {
  const out = new Uint16Array(MATRIX * MATRIX);
  for (let i = 0; i < out.length; i++) out[i] = (i * 37 + k * 911 + ((i * k) % 13)) % 4096;
  return out;
}

function enhancedCt(options: { dropPositionOf?: number } = {}): DicomDataset {
  const pixels = new Uint16Array(FRAMES * MATRIX * MATRIX);
  for (let k = 0; k < FRAMES; k++) pixels.set(frameValues(k), k * MATRIX * MATRIX);
  return {
    SOPClassUID: SOP_CLASS.enhancedCtImage,
    SOPInstanceUID: '2.25.9001',
    StudyInstanceUID: '2.25.9002',
    SeriesInstanceUID: '2.25.9003',
    Modality: 'CT',
    FrameOfReferenceUID: '2.25.9004',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: FRAMES,
    Rows: MATRIX,
    Columns: MATRIX,
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    SharedFunctionalGroupsSequence: [
      {
        PlaneOrientationSequence: [{ ImageOrientationPatient: [1, 0, 0, 0, 1, 0] }],
        PixelMeasuresSequence: [{ PixelSpacing: [2, 2], SliceThickness: 3 }],
        PixelValueTransformationSequence: [
          { RescaleIntercept: -1024, RescaleSlope: 1, RescaleType: 'HU' },
        ],
      },
    ],
    // Frames stored in reverse order of position: the series sorts them.
    PerFrameFunctionalGroupsSequence: Array.from({ length: FRAMES }, (_, k) =>
      k + 1 === options.dropPositionOf
        ? { FrameVOILUTSequence: [{ WindowCenter: 40, WindowWidth: 400 }] }
        : { PlanePositionSequence: [{ ImagePositionPatient: [-40, -40, (FRAMES - k) * 3] }] },
    ),
    PixelData: pixels,
  };
}

describe('multi-frame CT', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rt-enhanced-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function expectAllFrames(study: ReturnType<typeof loadStudy>) {
    expect(study.errors).toEqual([]);
    const slices = study.imageSeries[0]?.slices ?? [];
    expect(slices).toHaveLength(FRAMES);
    // Sorted by position: the last frame is the lowest slice.
    expect(slices.map((s) => s.frameNumber)).toEqual([5, 4, 3, 2, 1]);
    expect(slices.map((s) => s.position[2])).toEqual([3, 6, 9, 12, 15]);
    for (const slice of slices) {
      expect(slice.pixels).toEqual(frameValues((slice.frameNumber as number) - 1));
      expect(slice.rescaleIntercept).toBe(-1024);
      expect(slice.rowSpacing).toBe(2);
      expect(slice.sliceThickness).toBe(3);
    }
  }

  it('an Enhanced CT gives every frame as a slice, where its own functional group puts it', () => {
    expectAllFrames(loadStudy([{ name: 'enhanced.dcm', bytes: writePart10(enhancedCt()) }]));
  });

  const missing = missingTools();
  it.skipIf(missing.length > 0)(
    'and the same frames when dcmtk compresses it (JPEG-LS, RLE, JPEG Lossless)',
    async () => {
      const plain = join(dir, 'enhanced.dcm');
      writeFileSync(plain, writePart10(enhancedCt()));
      const load = createCodecLoader();
      for (const [tool, ...flags] of [[TOOLS.dcmcjpls], [TOOLS.dcmcrle], [TOOLS.dcmcjpeg, '+e1']]) {
        const out = join(dir, `enhanced-${tool?.split('/').at(-1)}.dcm`);
        run(tool as string, ...flags, plain, out);
        expectAllFrames(await readStudy([{ name: 'enhanced.dcm', bytes: readBytes(out) }], load));
        // inspect's checksum covers every frame: the whole uncompressed PixelData.
        const [report] = await inspectFiles([{ name: 'e.dcm', bytes: readBytes(out) }], load);
        const pixelData = enhancedCt().PixelData as Uint16Array;
        expect(report?.pixels).toMatchObject({
          frames: FRAMES,
          sha256: createHash('sha256').update(new Uint8Array(pixelData.buffer)).digest('hex'),
        });
      }
    },
  );

  it('a frame with no position anywhere fails the object, naming the frame', () => {
    const study = loadStudy([
      { name: 'enhanced.dcm', bytes: writePart10(enhancedCt({ dropPositionOf: 3 })) },
    ]);
    expect(study.imageSeries).toEqual([]);
    expect(study.errors).toEqual([
      expect.objectContaining({
        code: 'MISSING_TAG',
        tag: '(0020,9113) PlanePositionSequence',
        message: expect.stringMatching(/frame 3 has it in neither its own nor the shared/),
      }),
    ]);
  });

  it('a CT Image with several frames is refused, not read as its first frame', () => {
    const {
      SharedFunctionalGroupsSequence: _s,
      PerFrameFunctionalGroupsSequence: _p,
      ...rest
    } = enhancedCt();
    const legacy: DicomDataset = {
      ...rest,
      SOPClassUID: SOP_CLASS.ctImage,
      ImagePositionPatient: [-40, -40, 0],
      ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      PixelSpacing: [2, 2],
    };
    const study = loadStudy([{ name: 'multi.dcm', bytes: writePart10(legacy) }]);
    expect(study.imageSeries).toEqual([]);
    expect(study.errors).toEqual([
      expect.objectContaining({
        code: 'UNSUPPORTED',
        tag: '(0028,0008) NumberOfFrames',
        message: expect.stringMatching(/multi-frame CT\/MR Image \(5 frames\).*not read/),
      }),
    ]);
  });
});
