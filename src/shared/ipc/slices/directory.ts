// The directory of caregivers across every hospital (for the patient's grant form).
import { z } from 'zod';
import type { PersonView, Snapshot } from './ids';
import { returns } from './returns';

export const directoryContract = {
  listCaregivers: { args: z.undefined(), result: returns<Snapshot<PersonView>>() },
};
