/**
 * Where one hospital's record gateway answers (src/gateway in the workstation repo), and the
 * bucket it serves. A record's storage pointer (s3://<bucket>/<key>) names its bucket; this
 * entry names the gateway to ask for it, so no workstation holds another hospital's address
 * book or any bucket's credentials.
 */
export interface RecordGatewayEntry {
  mspId: string;
  /** The gateway's base URL, e.g. https://records.hospital-a.example. */
  url: string;
  bucket: string;
  /**
   * SPKI PEM of the gateway's emergency key (P-256): every record stored in this bucket is
   * also wrapped for it, and the gateway re-wraps a data key from it only for a caregiver
   * whose break-glass disclosure of that record is committed.
   */
  emergencyPublicKey: string;
  publishedAt: string;
  /** Subject of the administrator's certificate that published it. */
  publishedBy: string;
}
