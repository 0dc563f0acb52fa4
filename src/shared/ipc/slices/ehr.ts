// The hospital EHR (FHIR R4): search it for a patient by his hospital ID, add his clinical
// history as records (Add from EHR), and import an opened shared record into it under a local
// patient (Import into our EHR).
import { z } from 'zod';
import {
  EHR_RESOURCE_TYPES,
  type EhrSearchResult,
  type ImportIntoEhrResult,
  type LocalPatientNames,
} from '../../ehr';
import type { AddedRecord } from './records';
import { operationId, patientId, recordId } from './ids';
import { returns } from './returns';

/** A hospital patient ID as FHIR identifiers carry it: printable, no separators of a search. */
const localPatientId = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc},|$\\]+$/u, 'must be printable, without , | $ or \\');

export const ehrContract = {
  searchEhr: {
    args: z.object({ localPatientId }).strict(),
    result: returns<EhrSearchResult>(),
  },
  addFromEhr: {
    args: z
      .object({
        patientId,
        localPatientId,
        resourceTypes: z.array(z.enum(EHR_RESOURCE_TYPES)).min(1).max(6).optional(),
        operationId: operationId.optional(),
      })
      .strict(),
    result: returns<AddedRecord[]>(),
  },
  /** The local names of the patients whose pseudonyms the screen shows (none when unknown). */
  localPatientNames: {
    args: z.object({ patientIds: z.array(patientId).max(500) }).strict(),
    result: returns<LocalPatientNames>(),
  },
  importIntoEhr: {
    args: z
      .object({ patientId, recordId, localPatientId, operationId: operationId.optional() })
      .strict(),
    result: returns<ImportIntoEhrResult>(),
  },
};
