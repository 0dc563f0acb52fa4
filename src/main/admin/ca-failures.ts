// The hospital CA's failures in the administrator's words, each saying what did not happen.
import { EhrError } from '../errors';
import { CA_ERROR, EnrolmentError } from '../keystore/fabric-ca';

export function caFailure(error: unknown, outcome: string): EhrError | null {
  if (!(error instanceof EnrolmentError)) return null;
  if (error.caCodes.includes(CA_ERROR.duplicateIdentity)) {
    return new EhrError(
      'ENROLMENT_ID_TAKEN',
      `The hospital CA already has an identity with this enrolment id. ${outcome}`,
    );
  }
  if (error.httpStatus === null)
    return new EhrError('CA_UNAVAILABLE', `${error.message} ${outcome}`);
  if (error.caCodes.includes(CA_ERROR.authenticationFailure)) {
    return new EhrError(
      'CA_REFUSED',
      `The hospital CA did not accept your card as a registrar (is your certificate revoked, or issued by another CA?). ${outcome}`,
    );
  }
  return new EhrError('CA_REFUSED', `${error.message} ${outcome}`);
}
