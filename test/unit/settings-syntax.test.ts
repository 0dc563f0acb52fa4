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
    ['https://ca.hospital-a.example', null],
    ['http://127.0.0.1:9000', null],
    ['https://[::1]:9000/base', null],
    ['ca.hospital-a.example', /is not a URL/],
    ['ftp://ca.example', /Only http:\/\/ or https:\/\//],
    ['https://key:secret@ca.example', /credentials are never kept/],
    ['https://ca.example:99999', /Port 99999 is out of range/],
    ['https://ca.example/?x=1', /query/],
    // Plain http only where the connection never leaves the machine.
    ['http://localhost:9000', null],
    ['http://127.8.0.1:9000', null],
    ['http://[::1]:9000', null],
    ['http://ca.hospital-a.example', /Use https:\/\/ for ca\.hospital-a\.example/],
    ['http://10.0.0.5:9000', /plain http:\/\/ is allowed only on this computer/],
    ['http://127.0.0.1.nip.io', /Use https:\/\//],
  ])('checks the CA URL %s', (value, message) => {
    const result = checkSettingSyntax('caUrl', value);
    if (message === null) expect(result).toBeNull();
    else expect(result).toMatch(message);
  });

  it('refuses a PACS reached over plain http on another machine', () => {
    expect(checkSettingSyntax('pacsUrl', 'http://pacs.hospital-a.example:8042/dicom-web')).toMatch(
      /Use https:\/\//,
    );
    expect(checkSettingSyntax('pacsUrl', 'http://127.0.0.1:8042/dicom-web')).toBeNull();
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
