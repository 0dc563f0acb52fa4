// A hospital's Fabric CA over its REST API, the calls fabric-ca-client makes: enrol (the CSR
// goes up with the registration's id and secret, the signed certificate comes back), and,
// for the administrator whose card is a CA registrar, register and revoke. TLS to the CA is
// verified against the CA's TLS root.
import { createHash } from 'node:crypto';
import { request } from 'node:https';

export interface FabricCaEndpoint {
  /** e.g. https://ca.hospital-a.example:7054 */
  url: string;
  /** PEM of the TLS root that signed the CA server's certificate. */
  tlsCaPem: string;
  /** CA name inside the server, when it hosts several. */
  caName?: string;
}

/** A refusal or failure of the CA; `caCodes` are Fabric CA's error codes when it answered. */
export class EnrolmentError extends Error {
  constructor(
    message: string,
    readonly caCodes: readonly number[] = [],
    readonly httpStatus: number | null = null,
  ) {
    super(message);
    this.name = 'EnrolmentError';
  }
}

/** Fabric CA's error codes we tell apart (lib/caerrors/servererror.go, v1.5). */
export const CA_ERROR = {
  authenticationFailure: 20,
  registrarAttributes: 42,
  duplicateIdentity: 74,
} as const;

interface CaResponse<T> {
  success: boolean;
  result?: T;
  errors?: { code: number; message: string }[];
}

/**
 * Signs Fabric CA's token authorisation for one request: base64(cert) "." base64(signature),
 * the signature (ECDSA, DER) over SHA-256 of method "." b64(uri) "." b64(body) "." b64(cert)
 * (fabric-ca util.GenECDSAToken). The card makes the signature; the key never leaves it.
 */
export type TokenSigner = (digest: Buffer) => Promise<Uint8Array>;

export interface Registrar {
  certificatePem: string;
  sign: TokenSigner;
}

async function tokenFor(
  registrar: Registrar,
  method: string,
  uri: string,
  body: string,
): Promise<string> {
  const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
  const cert = b64(registrar.certificatePem);
  const payload = `${method}.${b64(uri)}.${b64(body)}.${cert}`;
  const signature = await registrar.sign(createHash('sha256').update(payload).digest());
  return `${cert}.${Buffer.from(signature).toString('base64')}`;
}

function callCa<T>(
  ca: FabricCaEndpoint,
  method: 'POST',
  path: string,
  body: string,
  authorization: string,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const url = new URL(path, ca.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: ca.tlsCaPem,
        timeout: timeoutMs,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          Authorization: authorization,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let parsed: CaResponse<T>;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CaResponse<T>;
          } catch {
            return reject(
              new EnrolmentError(
                `The CA answered ${res.statusCode} with something that is not JSON.`,
                [],
                res.statusCode ?? null,
              ),
            );
          }
          if (!parsed.success || parsed.result === undefined) {
            const why = parsed.errors?.map((e) => e.message).join('; ') || `HTTP ${res.statusCode}`;
            return reject(
              new EnrolmentError(
                `The hospital CA refused the ${what}: ${why}.`,
                parsed.errors?.map((e) => e.code) ?? [],
                res.statusCode ?? null,
              ),
            );
          }
          resolve(parsed.result);
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

export async function enrollAtFabricCa(
  ca: FabricCaEndpoint,
  enrollmentId: string,
  secret: string,
  csrPem: string,
  timeoutMs = 15_000,
): Promise<{ certificatePem: string; caChainPem: string }> {
  const body = JSON.stringify({ certificate_request: csrPem, caname: ca.caName ?? '' });
  const result = await callCa<{ Cert?: string; ServerInfo?: { CAChain?: string } }>(
    ca,
    'POST',
    '/api/v1/enroll',
    body,
    `Basic ${Buffer.from(`${enrollmentId}:${secret}`).toString('base64')}`,
    'enrolment',
    timeoutMs,
  );
  if (!result.Cert) throw new EnrolmentError('The hospital CA returned no certificate.');
  return {
    certificatePem: Buffer.from(result.Cert, 'base64').toString('utf8'),
    caChainPem: Buffer.from(result.ServerInfo?.CAChain ?? '', 'base64').toString('utf8'),
  };
}

export interface CaRegistration {
  enrollmentId: string;
  /** Attributes put in the enrolment certificate (ecert), e.g. role, department. */
  attributes: Record<string, string>;
  /** Registrar rights to delegate (not in the certificate), e.g. for an administrator. */
  registrarAttributes?: Record<string, string>;
}

/** Registers an identity (type client, one enrolment); returns its one-time secret. */
export async function registerAtFabricCa(
  ca: FabricCaEndpoint,
  registrar: Registrar,
  registration: CaRegistration,
): Promise<string> {
  const attrs = [
    ...Object.entries(registration.attributes).map(([name, value]) => ({
      name,
      value,
      ecert: true,
    })),
    ...Object.entries(registration.registrarAttributes ?? {}).map(([name, value]) => ({
      name,
      value,
      ecert: false,
    })),
  ];
  const body = JSON.stringify({
    id: registration.enrollmentId,
    type: 'client',
    max_enrollments: 1,
    attrs,
    caname: ca.caName ?? '',
  });
  const path = '/api/v1/register';
  const result = await callCa<{ secret?: string }>(
    ca,
    'POST',
    path,
    body,
    await tokenFor(registrar, 'POST', path, body),
    'registration',
  );
  if (!result.secret) throw new EnrolmentError('The hospital CA returned no enrolment secret.');
  return result.secret;
}

/**
 * Revokes an identity by name: the CA revokes every certificate it issued to it and refuses
 * it from then on (the identity cannot enrol again).
 */
export async function revokeAtFabricCa(
  ca: FabricCaEndpoint,
  registrar: Registrar,
  enrollmentId: string,
  reason: 'keycompromise' | 'affiliationchanged' | 'superseded' | 'cessationofoperation',
): Promise<{ revokedCertificates: number }> {
  const body = JSON.stringify({ id: enrollmentId, reason, caname: ca.caName ?? '' });
  const path = '/api/v1/revoke';
  const result = await callCa<{ RevokedCerts?: unknown[] }>(
    ca,
    'POST',
    path,
    body,
    await tokenFor(registrar, 'POST', path, body),
    'revocation',
  );
  return { revokedCertificates: result.RevokedCerts?.length ?? 0 };
}
