/** What the gateway learns when it may hand out a URL: the rule that allowed it and who asked. */
export interface GatewayDecision {
  rule: 'patient-self' | 'caregiver-disclosure' | 'caregiver-write-grant';
  callerId: string;
  callerMspId: string;
  patientId: string;
  recordId?: string;
  accessId?: string;
  /** For caregiver-disclosure: whether that disclosure was made under a grant or break-glass. */
  basis?: 'grant' | 'break-glass';
  /**
   * For caregiver-disclosure: the caller's encryption key from the directory, for which the
   * gateway re-wraps a record's data key from its emergency envelope under break-glass.
   */
  callerEncryptionPublicKey?: string;
}
