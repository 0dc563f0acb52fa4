// Messages between the viewer (UI thread) and its worker (rt.worker.ts). The worker parses
// the course, computes DVHs and sums dose grids; the UI thread only draws. Typed arrays
// travel by structured clone (CT pixels are transferred, not copied).
import type { Eqd2Need } from '../../shared/rt/constraint-table';
import type { Dvh } from '../../shared/rt/dvh';
import type { RtErrorCode } from '../../shared/rt/errors';
import type { FirstSlice } from '../../shared/rt/first-slice';
import type { DoseHistory } from '../../shared/rt/history';
import type { ImageSeries, ImageSlice } from '../../shared/rt/parse/image';
import type { DoseGrid } from '../../shared/rt/parse/rtdose';
import type { RtPlan } from '../../shared/rt/parse/rtplan';
import type { StructureSet } from '../../shared/rt/parse/rtstruct';
import type { RoiDvhOutcome } from '../../shared/rt/roi-dvh';
import type { FileError } from '../../shared/rt/study';
import type { SummationProvenance } from '../../shared/rt/sum';
import type { RegistrationSubject } from '../../shared/ipc/slices/rt';
import type { AcceptedRegistration } from '../../shared/rt/registration/accepted';

export interface OpenedFile {
  name: string;
  buffer: ArrayBuffer;
}

/** One opened course as the UI sees it. */
export interface CourseData {
  id: number;
  label: string;
  fileCount: number;
  imageSeries: ImageSeries[];
  structureSets: StructureSet[];
  plans: RtPlan[];
  doses: DoseGrid[];
  history: DoseHistory;
  errors: FileError[];
  warnings: string[];
  skipped: { file: string; reason: string }[];
  /** The patient and study of the course's first CT: what a REG saved for it names. */
  subject?: RegistrationSubject;
}

/** A structure's DVH, or why it has none (no closed contours, not axial, …). */
export type RoiDvhResult = RoiDvhOutcome;

export interface DoseRef {
  courseId: number;
  doseIndex: number;
  label: string;
}

export type WorkerRequest =
  | { kind: 'load'; id: number; courseId: number; files: OpenedFile[] }
  | {
      kind: 'dvh';
      id: number;
      courseId: number;
      structureSetIndex: number;
      doseIndex: number;
      roiNumbers: number[];
    }
  | {
      kind: 'sum';
      id: number;
      sources: DoseRef[];
      /** ROIs to compute the summed DVH for: a structure set of one of the courses. */
      structures?: { courseId: number; structureSetIndex: number };
    }
  | {
      kind: 'eqd2';
      id: number;
      /** The same sources as the physical sum the table sits beside. */
      sources: DoseRef[];
      /** One EQD2 DVH per (structure, α/β) pair. */
      needs: Eqd2Need[];
    }
  | { kind: 'release'; id: number; courseId: number }
  /** The pixels of a slice the course was loaded without (decode on demand), by its file. */
  | { kind: 'decode-slice'; id: number; courseId: number; file: string }
  /** A registration the physicist accepted: later sums and EQD2 sums map through it. */
  | { kind: 'use-registration'; id: number; registration: AcceptedRegistration };

export interface SumResult {
  provenance: SummationProvenance;
  grid: DoseGrid;
  structureSetLabel?: string;
  dvhs: RoiDvhResult[];
}

/** A structure's cumulative EQD2 DVH at one α/β, or why it has none. */
export interface Eqd2DvhResult extends Eqd2Need {
  dvh: Dvh | null;
  problem?: string;
}

export type WorkerResponse =
  | { kind: 'progress'; id: number; done: number; total: number; what: string }
  /** Before 'loaded': the slice the viewer opens on, read alone (first-slice.ts). */
  | { kind: 'preview'; id: number; preview: FirstSlice }
  | { kind: 'loaded'; id: number; course: CourseData }
  | { kind: 'dvh'; id: number; results: RoiDvhResult[] }
  | { kind: 'summed'; id: number; result: SumResult }
  | { kind: 'eqd2'; id: number; results: Eqd2DvhResult[] }
  | { kind: 'released'; id: number }
  | { kind: 'slice-pixels'; id: number; pixels: ImageSlice['pixels'] }
  | { kind: 'registration-used'; id: number }
  | { kind: 'failed'; id: number; code: RtErrorCode | 'INTERNAL'; message: string };
