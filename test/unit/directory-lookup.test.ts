// Names for ids on screens, when the ledger does not give every entry to everyone: a
// patient's directory entry is only for him, his hospital's admins and caregivers he granted.
import { describe, expect, it } from 'vitest';
import type { DirectoryUser } from '../../src/shared/ledger';
import { DirectoryLookup } from '../../src/main/directory/lookup';
import type { EhrLedger } from '../../src/main/ledger/ehr-ledger';
import { LedgerError } from '../../src/main/ledger/errors';

const PATIENT = 'pat-11111111111111111111111111111111';
const CAREGIVER = 'cg-22222222222222222222222222222222';

const caregiver = {
  userId: CAREGIVER,
  role: 'caregiver',
  mspId: 'HospitalBMSP',
  displayName: 'Dr Ada Demo',
  department: 'Radiation Oncology',
} as DirectoryUser;

/** The ledger as a caregiver whose grant has just ended sees it. */
function ledger(calls: string[]): EhrLedger {
  return {
    getUser: async (id: string) => {
      calls.push(id);
      if (id === CAREGIVER) return caregiver;
      if (id === PATIENT)
        throw new LedgerError(
          'FORBIDDEN',
          `the directory entry of patient ${PATIENT} is only for the patient, administrators of his hospital and caregivers he has granted`,
          'patient-directory-entry',
        );
      if (id.startsWith('cg-')) throw new LedgerError('NOT_FOUND', `no user ${id}`, 'userId');
      throw new LedgerError('UNAVAILABLE', 'peer down', undefined, true);
    },
  } as unknown as EhrLedger;
}

describe('DirectoryLookup', () => {
  it('names an entry the ledger refuses by its id instead of failing the screen', async () => {
    const calls: string[] = [];
    const directory = new DirectoryLookup(ledger(calls));
    expect(await directory.person(PATIENT)).toEqual({
      id: PATIENT,
      role: 'unknown',
      displayName: PATIENT,
      department: null,
      mspId: null,
    });
    expect(await directory.visibleUser(PATIENT)).toBeNull();
    // A refusal is not remembered: once a grant is back, the entry is asked for again.
    expect(calls).toEqual([PATIENT, PATIENT]);
    expect((await directory.person(CAREGIVER)).displayName).toBe('Dr Ada Demo');
  });

  it('keeps refusals visible to callers that need the entry itself', async () => {
    const directory = new DirectoryLookup(ledger([]));
    await expect(directory.user(PATIENT)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await directory.user('cg-99999999999999999999999999999999')).toBeNull();
    await expect(directory.person('adm-33333333333333333333333333333333')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });
});
