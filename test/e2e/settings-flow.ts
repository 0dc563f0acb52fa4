// The connection-settings flow as a person does it, written against a Playwright Page so
// the same steps drive Chromium (browser shell) and, where a binary exists, Electron.
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

export interface SettingsFlowFiles {
  caPem: string;
  leafPem: string;
  notPem: string;
  softhsmModule: string;
}

export const GOOD_VALUES = (files: SettingsFlowFiles) => ({
  'Peer endpoint': 'peer0.hospital-a.example:7051',
  'Peer TLS CA certificate': files.caPem,
  'MSP id': 'HospitalAMSP',
  'PKCS#11 module': files.softhsmModule,
  'PACS URL': 'http://127.0.0.1:8042/dicom-web',
  'EHR FHIR URL': 'http://127.0.0.1:8080/fhir',
  'CA URL': 'https://ca.hospital-a.example:7054',
  'CA TLS certificate': files.caPem,
});

export async function fill(page: Page, label: string, value: string): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(value);
  await input.blur();
}

export function messageFor(page: Page, label: string) {
  return page.locator(`#${idForLabel(label)}-message`);
}

const LABEL_IDS: Record<string, string> = {
  'Peer endpoint': 'setting-peerEndpoint',
  'Peer TLS CA certificate': 'setting-peerTlsCaPath',
  'MSP id': 'setting-mspId',
  'PKCS#11 module': 'setting-pkcs11ModulePath',
  'PACS URL': 'setting-pacsUrl',
  'EHR FHIR URL': 'setting-ehrUrl',
  'CA URL': 'setting-caUrl',
  'CA TLS certificate': 'setting-caTlsCaPath',
};

function idForLabel(label: string): string {
  const id = LABEL_IDS[label];
  if (!id) throw new Error(`No settings field labelled ${label}`);
  return id;
}

/** Enters one bad value per field; each shows its own specific message. */
export async function enterBadValues(page: Page, files: SettingsFlowFiles): Promise<void> {
  const cases: [string, string, RegExp][] = [
    [
      'Peer endpoint',
      'peer0.hospital-a.example:70000',
      /Port 70000 is out of range: use 1 to 65535/,
    ],
    ['Peer TLS CA certificate', files.leafPem, /not a CA certificate/],
    ['MSP id', 'Hospital A', /An MSP id has no spaces/],
    ['CA URL', 'ftp://ca.hospital-a.example', /Only http:\/\/ or https:\/\/ URLs/],
    // Outside the folders card software installs into: refused without being loaded.
    ['PKCS#11 module', files.notPem, /is not in a folder smart-card libraries are loaded from/],
    ['PACS URL', 'pacs.hospital-a.example', /is not a URL/],
    ['PACS URL', 'http://pacs.hospital-a.example/dicom-web', /Use https:\/\/ for pacs/],
  ];
  for (const [label, value, message] of cases) {
    await fill(page, label, value);
    await expect
      .poll(() => messageFor(page, label).textContent(), { timeout: 20_000 })
      .toMatch(message);
    expect(await messageFor(page, label).getAttribute('data-state')).toBe('invalid');
  }
}

export async function enterGoodValues(page: Page, files: SettingsFlowFiles): Promise<void> {
  for (const [label, value] of Object.entries(GOOD_VALUES(files))) {
    await fill(page, label, value);
    await expect
      .poll(() => messageFor(page, label).getAttribute('data-state'), { timeout: 20_000 })
      .toBe('valid');
  }
  await expect.poll(() => messageFor(page, 'PKCS#11 module').textContent()).toMatch(/SoftHSM/);
  await expect
    .poll(() => messageFor(page, 'Peer TLS CA certificate').textContent())
    .toMatch(/CA .*tlsca\.hospital-a\.example/);
}

export async function readFieldValues(page: Page): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const label of Object.keys(LABEL_IDS)) {
    values[label] = await page.getByLabel(label, { exact: true }).inputValue();
  }
  return values;
}
