// Use case: who a ledger pseudonym is at this hospital. The link between a hospital's own
// patient and his pseudonym is kept by the hospital, in its EHR (a Patient identifier in the
// system of our pseudonyms), never on the ledger; so a caregiver's screens show the local
// name where this hospital knows the patient, and the pseudonym elsewhere.
//
// Names are asked for each time a screen shows the patients and are not kept in the
// workstation's cache: they are the hospital's data, not the ledger's. An EHR that is not set
// up, unreachable or slow gives no names, never an error: the pseudonym is always a correct
// thing to show.
import type * as R4 from 'fhir/r4';
import type { LocalPatientNames } from '../../shared/ehr';
import { PSEUDONYM_IDENTIFIER_SYSTEM } from '../../shared/ehr';
import type { Settings } from '../../shared/settings';
import { configuredEhr, displayName } from './patient-records';

/** How long the screen waits for the EHR before it shows pseudonyms only. */
const NAMES_TIMEOUT_MS = 5_000;

export async function localPatientNames(
  settings: Pick<Settings, 'ehrUrl'>,
  pseudonyms: readonly string[],
): Promise<LocalPatientNames> {
  if (!settings.ehrUrl || pseudonyms.length === 0) return {};
  const ehr = configuredEhr(settings);
  const signal = AbortSignal.timeout(NAMES_TIMEOUT_MS);
  const answers = await Promise.all(
    [...new Set(pseudonyms)].map(async (pseudonym) => {
      const found = await ehr
        .search<R4.Patient>(
          'Patient',
          { identifier: `${PSEUDONYM_IDENTIFIER_SYSTEM}|${pseudonym}` },
          signal,
        )
        .catch(() => []);
      // Exactly one local patient, or none shown: two would be a link to merge, not a name.
      const linked = found.filter((p) =>
        p.identifier?.some(
          (i) => i.system === PSEUDONYM_IDENTIFIER_SYSTEM && i.value === pseudonym,
        ),
      );
      const name = linked.length === 1 ? displayName(linked[0]!) : '';
      return [pseudonym, name] as const;
    }),
  );
  return Object.fromEntries(answers.filter(([, name]) => name !== ''));
}
