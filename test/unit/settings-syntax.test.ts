import { describe, expect, it } from 'vitest';
import { SETTING_KEYS, checkSettingSyntax } from '../../src/shared/settings';

describe('settings text checks', () => {
  it.each([
    ['peer0.hospital-a.example:7051'],
    ['127.0.0.1:7051'],
    ['[::1]:7051'],
    ['localhost:1'],
    ['peer:65535'],
  ])('accepts the peer endpoint %s', (value) => {
    expect(checkSettingSyntax('peerEndpoint', value)).toBeNull();
  });

  it.each([
    ['peer0.hospital-a.example:70000', /Port 70000 is out of range: use 1 to 65535/],
    ['peer0:0', /Port 0 is out of range/],
    ['peer0.hospital-a.example', /Expected host:port/],
    ['grpcs://peer0:7051', /without a scheme/],
    ['peer0:abc', /port "abc" is not a number/],
    ['300.1.1.1:7051', /not a valid IPv4 address/],
    ['-peer.example:7051', /not a valid host name/],
    [':7051', /host part is empty/],
    [' peer0:7051', /spaces at the start or end/],
  ])('refuses the peer endpoint %s', (value, message) => {
    expect(checkSettingSyntax('peerEndpoint', value)).toMatch(message);
  });

  it.each([
    ['Hospital A', /no spaces/],
    ['1HospitalMSP', /starts with a letter/],
    ['Hospital/MSP', /Unknown MSP id format/],
    ['H'.repeat(65), /at most 64 characters/],
  ])('refuses the MSP id %s', (value, message) => {
    expect(checkSettingSyntax('mspId', value)).toMatch(message);
  });

  it('accepts conventional MSP ids', () => {
    for (const id of ['HospitalAMSP', 'Org1MSP', 'hospital-b.msp', 'OrdererMSP']) {
      expect(checkSettingSyntax('mspId', id)).toBeNull();
    }
  });

  it.each([
    ['https://s3.hospital-a.example', null],
    ['http://127.0.0.1:9000', null],
    ['https://[::1]:9000/base', null],
    ['s3.hospital-a.example', /is not a URL/],
    ['ftp://s3.example', /Only http:\/\/ or https:\/\//],
    ['https://key:secret@s3.example', /credentials are never kept/],
    ['https://s3.example:99999', /Port 99999 is out of range/],
    ['https://s3.example/?x=1', /query/],
    // Plain http only where the connection never leaves the machine.
    ['http://localhost:9000', null],
    ['http://127.8.0.1:9000', null],
    ['http://[::1]:9000', null],
    ['http://s3.hospital-a.example', /Use https:\/\/ for s3\.hospital-a\.example/],
    ['http://10.0.0.5:9000', /plain http:\/\/ is allowed only on this computer/],
    ['http://127.0.0.1.nip.io', /Use https:\/\//],
  ])('checks the storage endpoint %s', (value, message) => {
    const result = checkSettingSyntax('storageEndpoint', value);
    if (message === null) expect(result).toBeNull();
    else expect(result).toMatch(message);
  });

  it('refuses a PACS reached over plain http on another machine', () => {
    expect(checkSettingSyntax('pacsUrl', 'http://pacs.hospital-a.example:8042/dicom-web')).toMatch(
      /Use https:\/\//,
    );
    expect(checkSettingSyntax('pacsUrl', 'http://127.0.0.1:8042/dicom-web')).toBeNull();
  });

  it.each([
    ['ab', /3 to 63 characters/],
    ['Records', /lower-case letters only/],
    ['records_2026', /only lower-case letters, digits/],
    ['-records', /starts and ends with a letter or digit/],
    ['records..a', /no two dots/],
    ['192.168.1.10', /must not look like an IP address/],
  ])('refuses the bucket name %s', (value, message) => {
    expect(checkSettingSyntax('storageBucket', value)).toMatch(message);
  });

  it('checks region names', () => {
    expect(checkSettingSyntax('storageRegion', 'eu-central-1')).toBeNull();
    expect(checkSettingSyntax('storageRegion', 'EU Central')).toMatch(/not a region name/);
  });

  it('asks for absolute paths for files', () => {
    expect(checkSettingSyntax('pkcs11ModulePath', 'libsofthsm2.so')).toMatch(/full path/);
    expect(checkSettingSyntax('peerTlsCaPath', '/etc/ca.pem')).toBeNull();
    expect(
      checkSettingSyntax('pkcs11ModulePath', 'C:\\Windows\\System32\\opensc-pkcs11.dll'),
    ).toBeNull();
  });

  it('treats an empty value as "not set" for every field', () => {
    for (const key of SETTING_KEYS) expect(checkSettingSyntax(key, '')).toBeNull();
  });
});
