// OpenSslCaForTests: a stand-in for a hospital's Fabric CA where a test needs a card with a
// certificate but not the CA server itself. It signs the card's own CSR (made and signed
// on the card) and writes the role attributes the way Fabric CA does: JSON in extension
// 1.2.3.4.5.6.7.8.1. The real enrolment path is tested against fabric-ca-server.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import type { CardClient } from '../../src/main/keystore/card-client';
import { pemToDer } from '../../src/main/keystore/certificate';
import { buildCsr } from '../../src/main/keystore/csr';
import { makeCertificates } from './fixtures';

export class OpenSslCaForTests {
  private readonly caPem: string;
  private readonly caKey: string;
  private serial = 1;

  constructor(private readonly dir: string) {
    this.caPem = makeCertificates(dir).caPem;
    this.caKey = join(dir, 'ca.key');
  }

  /** Generates keys on the signed-in card and writes a certificate for them. */
  async enrolCard(
    client: CardClient,
    enrollmentId: string,
    attrs: Record<string, string>,
  ): Promise<void> {
    const keys = await client.call('generateKeys', undefined);
    const csr = await buildCsr(enrollmentId, Buffer.from(keys.signing), async (digest) =>
      Buffer.from(await client.call('signDigest', { digest })),
    );
    const n = this.serial++;
    const csrFile = join(this.dir, `card-${n}.csr`);
    const extFile = join(this.dir, `card-${n}.ext`);
    const certFile = join(this.dir, `card-${n}.pem`);
    writeFileSync(csrFile, csr);
    const json = Buffer.from(
      JSON.stringify({ attrs: { 'hf.EnrollmentID': enrollmentId, ...attrs } }),
    );
    writeFileSync(
      extFile,
      `basicConstraints=CA:FALSE\n1.2.3.4.5.6.7.8.1=DER:${json.toString('hex')}\n`,
    );
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        csrFile,
        '-CA',
        this.caPem,
        '-CAkey',
        this.caKey,
        '-set_serial',
        String(1000 + n),
        '-days',
        '30',
        '-out',
        certFile,
        '-extfile',
        extFile,
      ],
      { stdio: 'pipe' },
    );
    const der = pemToDer(execFileSync('cat', [certFile], { encoding: 'utf8' }));
    const subjectDer = Buffer.from(
      AsnConvert.serialize(AsnConvert.parse(der, Certificate).tbsCertificate.subject),
    );
    await client.call('writeCertificate', { der, subjectDer });
  }
}
