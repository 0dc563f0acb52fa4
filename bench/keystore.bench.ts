// The card's hot paths: ECDSA signatures (a Fabric submit needs three) and data-key
// unwrapping (one per record opened), through PKCS#11 on SoftHSM2 in the card process,
// against the same operations in Node's software crypto in the same run. SoftHSM is a
// software token, so this measures our process hop and PKCS#11 overhead; a real card
// adds its own 100 ms–1 s per operation on top.
import { createHash, diffieHellman, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { unwrapDataKey, wrapDataKey } from '../src/main/vault/envelope';
import { softhsmTokens } from '../test/support/softhsm';
import { opsPerSecond, type BenchFigure } from './format';
import { publicKeyFromPoint } from '../src/main/keystore/ec-point';

export async function run(): Promise<BenchFigure[]> {
  const tokens = softhsmTokens();
  try {
    const serial = await tokens.createToken('bench', '123456');
    const card = await tokens.startClient();
    await card.call('signIn', { serial, pin: '123456' });
    const keys = await card.call('generateKeys', undefined);
    const digest = createHash('sha256').update('bench').digest();

    const software = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const cardSigns = await opsPerSecond(() => card.call('signDigest', { digest }), 1500);
    const softwareSigns = await opsPerSecond(
      () => sign('sha256', digest, software.privateKey),
      1500,
    );

    const encryptionKey = publicKeyFromPoint(keys.encryption);
    const envelope = wrapDataKey(
      randomBytes(32),
      'bench',
      encryptionKey.export({ format: 'pem', type: 'spki' }).toString(),
    );
    const cardUnwraps = await opsPerSecond(
      () =>
        unwrapDataKey(envelope, encryptionKey, async (point) =>
          Buffer.from(await card.call('deriveSharedSecret', { peerPoint: point })),
        ),
      1500,
    );
    const softwareEnvelope = wrapDataKey(
      randomBytes(32),
      'bench',
      software.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    );
    const softwareUnwraps = await opsPerSecond(
      () =>
        unwrapDataKey(softwareEnvelope, software.publicKey, async (point) =>
          diffieHellman({
            privateKey: software.privateKey,
            publicKey: publicKeyFromPoint(point),
          }),
        ),
      1500,
    );
    await card.stop();
    return [
      {
        name: 'card_ecdsa_signs_per_s',
        value: cardSigns,
        unit: 'signs/s',
        reference: { name: 'node_software_ecdsa_p256', value: softwareSigns },
      },
      {
        name: 'card_unwrap_latency_ms_lower_is_better',
        value: 1000 / cardUnwraps,
        unit: 'ms',
        reference: { name: 'node_software_ecdh_unwrap', value: 1000 / softwareUnwraps },
      },
    ];
  } finally {
    tokens.cleanup();
  }
}
