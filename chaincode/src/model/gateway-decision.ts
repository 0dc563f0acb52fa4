/** What the gateway learns when it may hand out a URL: the rule that allowed it and who asked. */
export interface GatewayDecision {
  rule: 'patient-self' | 'caregiver-disclosure' | 'caregiver-write-grant';
  callerId: string;
  callerMspId: string;
  patientId: string;
  recordId?: string;
  accessId?: string;
}
