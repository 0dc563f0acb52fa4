// Use case: search the hospital PACS (the `pacsUrl` setting) for studies — by patient ID,
// name, study date, modality — with each study's series and their RT object types, so the
// caregiver can pick what to add.
import type { PacsStudyQuery, PacsStudyWithSeries } from '../../shared/pacs';
import type { Settings } from '../../shared/settings';
import { EhrError } from '../errors';
import { toUserError } from '../failures';
import { DicomWebClient } from './dicomweb';

const DATE = /^(\d{8})?(-(\d{8})?)?$/;

/** The client for the configured PACS; NOT_CONFIGURED when none is set. */
export function configuredPacs(settings: Pick<Settings, 'pacsUrl'>): DicomWebClient {
  if (!settings.pacsUrl) {
    throw new EhrError(
      'NOT_CONFIGURED',
      'No hospital PACS is set up on this workstation (Settings, Hospital PACS).',
    );
  }
  return new DicomWebClient({ baseUrl: settings.pacsUrl });
}

export async function searchPacs(
  settings: Pick<Settings, 'pacsUrl'>,
  query: PacsStudyQuery,
  signal?: AbortSignal,
): Promise<PacsStudyWithSeries[]> {
  const asked = Object.values(query).filter((v) => typeof v === 'string' && v.trim() !== '');
  if (asked.length === 0) {
    throw new EhrError(
      'INVALID_ARGUMENT',
      'Give a patient ID, a name, a study date or a modality to search the PACS.',
    );
  }
  if (query.studyDate && (!DATE.test(query.studyDate) || query.studyDate === '-')) {
    throw new EhrError(
      'INVALID_ARGUMENT',
      'The study date must be YYYYMMDD or a range YYYYMMDD-YYYYMMDD.',
    );
  }
  const pacs = configuredPacs(settings);
  try {
    const studies = await pacs.searchStudies(query, signal);
    return await Promise.all(
      studies.map(async (study) => ({
        ...study,
        series: (await pacs.searchSeries(study.studyInstanceUid, {}, signal)).sort(
          (a, b) => (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0),
        ),
      })),
    );
  } catch (error) {
    throw toUserError(error, 'The search found nothing.');
  }
}
