// A hospital's record gateway: the one holder of its bucket's credentials. A workstation
// POSTs a card-signed request for one object; the gateway verifies the request
// (verify-request.ts), asks its own hospital's peer whether the caller may have the object
// (authorize.ts) and answers a presigned URL valid for about a minute — or a JSON refusal
// naming the rule (403) or the fault (4xx/5xx). Loopback only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Contract } from '@hyperledger/fabric-gateway';
import {
  INFO_PATH,
  PRESIGN_PATH,
  type EmergencyKeyAnswer,
  type GatewayInfo,
  type GatewayRefusal,
  type PresignAnswer,
} from '../shared/gateway/protocol';
import { rewrapForCaller, type EmergencyKey } from './emergency-key';
import { authorize, type GatewayDecision } from './authorize';
import { NonceCache } from './nonce-cache';
import { GatewayRefused } from './refusal';
import { verifyPresignRequest, type TrustedRoot } from './verify-request';

/** How long a presigned URL works: enough to start a download, too short to pass around. */
export const URL_EXPIRY_SECONDS = 60;
const MAX_BODY_BYTES = 16 * 1024;

export interface GatewayOptions {
  /** Loopback port to listen on (0 = any free port). */
  port: number;
  /** The hospital's bucket and the credentials only the gateway holds. */
  bucket: string;
  s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
  /** The chaincode, reached through the gateway's own hospital peer with its service identity. */
  contract: Contract;
  /** The channel's hospital CAs (the MSPs' root certificates). */
  trustedRoots: readonly TrustedRoot[];
  /** The hospital's emergency key, for break-glass openings (emergency-key.ts). */
  emergencyKey?: EmergencyKey;
  /** Called once per answered request, e.g. for the gateway's own log. */
  onAnswer?: (line: string) => void;
}

export interface RunningGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new GatewayRefused(413, 'malformed-request', 'The request body is too large.'));
        req.destroy();
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, json: unknown): void {
  const body = JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(body);
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const s3 = new S3Client({
    endpoint: options.s3.endpoint,
    region: options.s3.region,
    forcePathStyle: true,
    credentials: {
      accessKeyId: options.s3.accessKeyId,
      secretAccessKey: options.s3.secretAccessKey,
    },
  });
  const nonces = new NonceCache();

  const presign = async (operation: 'read' | 'write' | 'delete', key: string) => {
    const target = { Bucket: options.bucket, Key: key };
    const command =
      operation === 'read'
        ? new GetObjectCommand(target)
        : operation === 'write'
          ? new PutObjectCommand(target)
          : new DeleteObjectCommand(target);
    const method = operation === 'read' ? 'GET' : operation === 'write' ? 'PUT' : 'DELETE';
    const url = await getSignedUrl(s3, command, { expiresIn: URL_EXPIRY_SECONDS });
    return { url, method } as const;
  };

  // A caregiver writes new objects only: never over another add's object still in flight
  // (registered ones the ledger already refuses as registered-object).
  const refuseExisting = async (key: string) => {
    const exists = await s3.send(new HeadObjectCommand({ Bucket: options.bucket, Key: key })).then(
      () => true,
      (error: { $metadata?: { httpStatusCode?: number } }) => {
        if (error.$metadata?.httpStatusCode === 404) return false;
        throw error;
      },
    );
    if (exists) {
      throw new GatewayRefused(
        409,
        'object-exists',
        `An object is already stored under ${key}; a new record needs a new key.`,
      );
    }
  };

  // Under break-glass only: the record's data key, re-wrapped for the caller from this
  // hospital's emergency envelope, once his break-glass disclosure of it is committed.
  const emergencyEnvelope = async (key: string, decision: GatewayDecision) => {
    if (!options.emergencyKey) {
      throw new GatewayRefused(
        501,
        'no-emergency-key',
        'This record gateway holds no emergency key, so it opens nothing by break-glass.',
      );
    }
    // authorize() has let through only a record's object or its .keys companion.
    if (!key.endsWith('.keys')) {
      throw new GatewayRefused(
        400,
        'malformed-request',
        'Ask the emergency key for a record’s .keys.',
      );
    }
    if (
      decision.rule !== 'caregiver-disclosure' ||
      decision.basis !== 'break-glass' ||
      !decision.callerEncryptionPublicKey
    ) {
      throw new GatewayRefused(
        403,
        'break-glass-disclosure',
        `The emergency key is given only for a record opened by break-glass; ${decision.callerId}'s access is ${decision.basis ?? decision.rule}.`,
      );
    }
    const stored = await s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
    const bytes = Buffer.from(await stored.Body!.transformToByteArray());
    return rewrapForCaller(options.emergencyKey, bytes, {
      id: decision.callerId,
      encryptionPublicKeyPem: decision.callerEncryptionPublicKey,
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && path === INFO_PATH) {
        const info: GatewayInfo = {
          service: 'action-ehr-record-gateway',
          bucket: options.bucket,
          emergencyPublicKey: options.emergencyKey?.publicKeyPem ?? null,
        };
        send(res, 200, info);
        return;
      }
      if (req.method !== 'POST' || path !== PRESIGN_PATH) {
        throw new GatewayRefused(
          404,
          'unknown-endpoint',
          `Only POST ${PRESIGN_PATH} and GET ${INFO_PATH} are served here.`,
        );
      }
      const body = await readBody(req);
      const verified = verifyPresignRequest(
        { method: req.method, path, headers: req.headers, body },
        options.trustedRoots,
        nonces,
      );
      const decision = await authorize(
        options.contract,
        options.bucket,
        verified.request,
        verified.certificatePem,
      );
      if (decision.callerMspId !== verified.issuerMspId) {
        throw new GatewayRefused(
          403,
          'certificate-hospital',
          `User ${decision.callerId} is registered at ${decision.callerMspId}, but his certificate was issued by ${verified.issuerMspId}'s CA.`,
        );
      }
      if (verified.request.operation === 'emergency-key') {
        const envelope = await emergencyEnvelope(verified.request.objectKey, decision);
        const answer: EmergencyKeyAnswer = { envelope, rule: 'break-glass-disclosure' };
        options.onAnswer?.(
          `emergency key of ${verified.request.objectKey} for ${decision.callerId} (break-glass)`,
        );
        send(res, 200, answer);
        return;
      }
      if (verified.request.operation === 'write' && decision.rule === 'caregiver-write-grant') {
        await refuseExisting(verified.request.objectKey);
      }
      const { url, method } = await presign(verified.request.operation, verified.request.objectKey);
      const answer: PresignAnswer = {
        url,
        method,
        expiresAt: new Date(Date.now() + URL_EXPIRY_SECONDS * 1000).toISOString(),
        rule: decision.rule,
      };
      options.onAnswer?.(
        `${method} ${verified.request.objectKey} for ${decision.callerId} (${decision.rule})`,
      );
      send(res, 200, answer);
    } catch (error) {
      const refused =
        error instanceof GatewayRefused
          ? error
          : new GatewayRefused(
              500,
              'gateway-fault',
              `The record gateway failed: ${(error as Error).message}`,
            );
      const answer: GatewayRefusal = {
        error: { status: refused.status, rule: refused.rule, message: refused.message },
      };
      send(res, refused.status, answer);
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      s3.destroy();
    },
  };
}
