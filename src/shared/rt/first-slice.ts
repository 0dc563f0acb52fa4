// The first picture, before the course is parsed: the viewer opens a CT/MR series on its
// middle slice, so that one slice is found from the headers alone (dicom-parser stopped
// before PixelData: no pixel is copied or decoded) and then read and decoded by itself,
// through the same defensive parse as the rest. A whole 200-slice series is then parsed
// while the reviewer already looks at it. It runs on files prepareStudyFiles has prepared
// (deflated ones inflated, codecs loaded), which the full parse then reuses. The header
// pass only chooses a file: anything odd (not Part 10, not inflatable, damaged, enhanced
// multi-frame) is simply not chosen, and the full parse still reports it.

import { SOP_CLASS } from './dictionary';
import { cross, dot, type Vec3 } from './geometry';
import { dicomParser, type DataSet } from './parse/dicom-parser';
import type { ImageSlice } from './parse/image';
import { transferSyntax } from './parse/transfer-syntax';
import type { CodecSet } from './parse/pixels';
import { loadStudy, type StudyFile } from './study';

export interface FirstSlice {
  slice: ImageSlice;
  /** Its index in the series as the full parse sorts it (along the plane normal). */
  index: number;
  /** Slices the header pass found in that series. */
  count: number;
}

interface Candidate {
  file: StudyFile;
  offset: number;
}

function numbers(dataSet: DataSet, tag: string, count: number): number[] | undefined {
  const values = (dataSet.string(tag) ?? '').split('\\').map(Number);
  return values.length === count && values.every(Number.isFinite) ? values : undefined;
}

/** Series UID and position along the normal of a plain CT/MR slice; undefined otherwise. */
function headerOf(file: StudyFile): { series: string; offset: number } | undefined {
  try {
    if (file.prepared?.error) return undefined;
    const meta = dicomParser.readPart10Header(file.bytes);
    const uid = (meta.string('x00020010') ?? '').replace(/\0/g, '').trim();
    // dicom-parser's own inflater is never used (see study-reader.ts): inflated files come
    // relabelled by prepareStudyFiles, so a deflated label here is one that failed.
    if (transferSyntax(uid).deflated) return undefined;
    const dataSet = dicomParser.parseDicom(file.bytes, { untilTag: 'x7fe00010' });
    const sop = dataSet.string('x00080016');
    if (sop !== SOP_CLASS.ctImage && sop !== SOP_CLASS.mrImage) return undefined;
    if ((dataSet.intString('x00280008') ?? 1) !== 1) return undefined;
    const series = dataSet.string('x0020000e');
    const position = numbers(dataSet, 'x00200032', 3) as Vec3 | undefined;
    const orientation = numbers(dataSet, 'x00200037', 6);
    if (!series || !position || !orientation) return undefined;
    const [rx, ry, rz, cx, cy, cz] = orientation as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const normal = cross([rx, ry, rz], [cx, cy, cz]);
    return { series, offset: dot(position, normal) };
  } catch {
    return undefined;
  }
}

/**
 * The middle slice of the first CT/MR series among the prepared files, read and decoded alone;
 * undefined when there is none or it does not read (the full parse will say why).
 */
export function readFirstSlice(
  files: readonly StudyFile[],
  codecs: CodecSet,
): FirstSlice | undefined {
  let series: string | undefined;
  const candidates: Candidate[] = [];
  for (const file of files) {
    const header = headerOf(file);
    if (!header) continue;
    series ??= header.series;
    if (header.series === series) candidates.push({ file, offset: header.offset });
  }
  candidates.sort((a, b) => a.offset - b.offset);
  const index = Math.floor(candidates.length / 2);
  const chosen = candidates[index];
  if (!chosen) return undefined;
  const study = loadStudy([chosen.file], codecs);
  const slice = study.imageSeries[0]?.slices[0];
  return slice ? { slice, index, count: candidates.length } : undefined;
}
