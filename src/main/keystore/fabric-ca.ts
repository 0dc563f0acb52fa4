// Enrolment at a hospital's Fabric CA over its REST API (POST /api/v1/enroll), the same
// call fabric-ca-client makes: the CSR goes up with the registration's id and secret, the
// signed certificate comes back. TLS to the CA is verified against the CA's TLS root.
import { request } from 'node:https';

export interface FabricCaEndpoint {
  /** e.g. https://ca.hospital-a.example:7054 */
  url: string;
  /** PEM of the TLS root that signed the CA server's certificate. */
  tlsCaPem: string;
  /** CA name inside the server, when it hosts several. */
  caName?: string;
}

export class EnrolmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnrolmentError';
  }
}

interface EnrollResponse {
  success: boolean;
  result?: { Cert?: string; ServerInfo?: { CAChain?: string; CAName?: string } };
  errors?: { code: number; message: string }[];
}

export function enrollAtFabricCa(
  ca: FabricCaEndpoint,
  enrollmentId: string,
  secret: string,
  csrPem: string,
  timeoutMs = 15_000,
): Promise<{ certificatePem: string; caChainPem: string }> {
  const url = new URL('/api/v1/enroll', ca.url);
  const body = JSON.stringify({ certificate_request: csrPem, caname: ca.caName ?? '' });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        ca: ca.tlsCaPem,
        timeout: timeoutMs,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          Authorization: `Basic ${Buffer.from(`${enrollmentId}:${secret}`).toString('base64')}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let parsed: EnrollResponse;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as EnrollResponse;
          } catch {
            return reject(
              new EnrolmentError(
                `The CA answered ${res.statusCode} with something that is not JSON.`,
              ),
            );
          }
          const cert = parsed.result?.Cert;
          if (!parsed.success || !cert) {
            const why = parsed.errors?.map((e) => e.message).join('; ') || `HTTP ${res.statusCode}`;
            return reject(new EnrolmentError(`The hospital CA refused the enrolment: ${why}.`));
          }
          resolve({
            certificatePem: Buffer.from(cert, 'base64').toString('utf8'),
            caChainPem: Buffer.from(parsed.result?.ServerInfo?.CAChain ?? '', 'base64').toString(
              'utf8',
            ),
          });
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new EnrolmentError('The hospital CA did not answer in time.')),
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof EnrolmentError) return reject(error);
      const tlsProblem = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(error.code ?? '');
      reject(
        new EnrolmentError(
          tlsProblem
            ? `The hospital CA at ${ca.url} is not trusted: its TLS certificate does not chain to the configured TLS CA (${error.message}).`
            : `The hospital CA at ${ca.url} cannot be reached: ${error.message}.`,
        ),
      );
    });
    req.end(body);
  });
}
