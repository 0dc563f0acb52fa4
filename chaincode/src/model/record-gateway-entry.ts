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
  publishedAt: string;
  /** Subject of the administrator's certificate that published it. */
  publishedBy: string;
}
