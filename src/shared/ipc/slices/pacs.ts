// The hospital PACS: search it (QIDO-RS), add picked series as records (Add from PACS), and
// import an opened shared record into it under a local patient (Send to our PACS).
import { z } from 'zod';
import type { PacsStudyWithSeries, SendToPacsResult } from '../../pacs';
import type { AddedRecord } from './records';
import { operationId, patientId, recordId } from './ids';
import { returns } from './returns';

const uid = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)*$/, 'not a DICOM UID')
  .max(64);
const term = z.string().trim().max(64).optional();
/** DICOM LO / PN values: printable, no backslash (the value separator). */
const dicomText = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\\\p{Cc}]+$/u, 'must be printable, without a backslash');

export const pacsContract = {
  searchPacs: {
    args: z
      .object({ patientId: term, patientName: term, studyDate: term, modality: term })
      .strict(),
    result: returns<PacsStudyWithSeries[]>(),
  },
  addFromPacs: {
    args: z
      .object({
        patientId,
        series: z
          .array(z.object({ studyInstanceUid: uid, seriesInstanceUid: uid }).strict())
          .min(1)
          .max(500),
        operationId: operationId.optional(),
      })
      .strict(),
    result: returns<AddedRecord[]>(),
  },
  sendToPacs: {
    args: z
      .object({
        patientId,
        recordId,
        localPatientId: dicomText,
        localPatientName: dicomText,
        operationId: operationId.optional(),
      })
      .strict(),
    result: returns<SendToPacsResult>(),
  },
};
