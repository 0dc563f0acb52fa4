// An mCODE RadiotherapyCourseSummary (a FHIR R4 Procedure) for the demo's and the tests'
// hospital EHRs: a photon course of `sessions` fractions between two dates. One builder so the
// EHR the demo seeds and the one the tests seed carry the same profile and extensions that
// Add from EHR recognises (src/main/ehr/patient-records.ts).
import type * as R4 from 'fhir/r4';
import { MCODE_RT_COURSE_SUMMARY } from '../../src/shared/ehr';

const SNOMED = 'http://snomed.info/sct';
const MCODE = 'http://hl7.org/fhir/us/mcode/StructureDefinition';

export function radiotherapyCourseSummary(course: {
  subject: R4.Reference;
  start: string;
  end: string;
  sessions: number;
  text?: string;
  identifier?: R4.Identifier[];
  bodySite?: R4.CodeableConcept[];
}): R4.Procedure {
  return {
    resourceType: 'Procedure',
    meta: { profile: [MCODE_RT_COURSE_SUMMARY] },
    ...(course.identifier ? { identifier: course.identifier } : {}),
    status: 'completed',
    code: {
      coding: [{ system: SNOMED, code: '1217123003', display: 'Radiotherapy course of treatment' }],
      ...(course.text ? { text: course.text } : {}),
    },
    subject: course.subject,
    performedPeriod: { start: course.start, end: course.end },
    extension: [
      {
        url: `${MCODE}/mcode-radiotherapy-modality-and-technique`,
        extension: [
          {
            url: 'modality',
            valueCodeableConcept: {
              coding: [
                {
                  system: SNOMED,
                  code: '1156506007',
                  display: 'External beam radiation therapy using photons',
                },
              ],
            },
          },
        ],
      },
      { url: `${MCODE}/mcode-radiotherapy-sessions`, valueUnsignedInt: course.sessions },
    ],
    ...(course.bodySite ? { bodySite: course.bodySite } : {}),
  };
}
