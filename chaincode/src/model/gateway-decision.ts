/** What the gateway learns when it may hand out a URL: the rule that allowed it and who asked. */
export interface GatewayDecision {
  /**
   * caregiver-read-basis: a record's encrypted object, to a caregiver who may read it now;
   * caregiver-disclosure: its key envelopes, once his disclosure of it is committed.
   */
  rule: 'patient-self' | 'caregiver-read-basis' | 'caregiver-disclosure' | 'caregiver-write-grant';
  callerId: string;
  callerMspId: string;
  patientId: string;
  recordId?: string;
  accessId?: string;
  /** For a caregiver's read: whether he reads under a grant or break-glass. */
  basis?: 'grant' | 'break-glass';
  /**
   * For caregiver-disclosure: the caller's encryption key from the directory, for which the
   * gateway re-wraps a record's data key from its emergency envelope under break-glass.
   */
  callerEncryptionPublicKey?: string;
}
