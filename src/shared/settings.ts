// Connection settings: what each field means, and the checks that need nothing but the
// text itself. The main process adds the checks that need the machine (files, the
// PKCS#11 module); the renderer uses these for instant feedback. Both sides share one
// definition so a message never differs between them.

export const SETTING_KEYS = [
  'peerEndpoint',
  'peerTlsCaPath',
  'mspId',
  'pkcs11ModulePath',
  'pacsUrl',
  'ehrUrl',
  'caUrl',
  'caTlsCaPath',
] as const;

export type SettingKey = (typeof SETTING_KEYS)[number];

/** A saved setting is a string; null means "not set yet". */
export type Settings = Record<SettingKey, string | null>;

export type SettingKind = 'hostPort' | 'filePath' | 'mspId' | 'httpUrl';

export interface SettingDefinition {
  key: SettingKey;
  group: 'Hospital ledger peer' | 'Smart card' | 'Hospital PACS' | 'Hospital EHR' | 'Hospital CA';
  label: string;
  hint: string;
  example: string;
  kind: SettingKind;
}

export const SETTING_DEFINITIONS: readonly SettingDefinition[] = [
  {
    key: 'peerEndpoint',
    group: 'Hospital ledger peer',
    label: 'Peer endpoint',
    hint: "Your hospital's Fabric peer, as host:port.",
    example: 'peer0.hospital-a.example:7051',
    kind: 'hostPort',
  },
  {
    key: 'peerTlsCaPath',
    group: 'Hospital ledger peer',
    label: 'Peer TLS CA certificate',
    hint: "The PEM file of the CA that signed the peer's TLS certificate.",
    example: '/etc/action-ehr/hospital-a-tls-ca.pem',
    kind: 'filePath',
  },
  {
    key: 'mspId',
    group: 'Hospital ledger peer',
    label: 'MSP id',
    hint: "Your hospital's membership service provider id on the channel.",
    example: 'HospitalAMSP',
    kind: 'mspId',
  },
  {
    key: 'pkcs11ModulePath',
    group: 'Smart card',
    label: 'PKCS#11 module',
    hint: "The card reader's PKCS#11 library (OpenSC, your card vendor's, or SoftHSM2).",
    example: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
    kind: 'filePath',
  },
  {
    key: 'pacsUrl',
    group: 'Hospital PACS',
    label: 'PACS URL',
    hint: "Your PACS's DICOMweb or REST base URL.",
    example: 'https://pacs.hospital-a.example/dicom-web',
    kind: 'httpUrl',
  },
  {
    key: 'ehrUrl',
    group: 'Hospital EHR',
    label: 'EHR FHIR URL',
    hint: "Your EHR's FHIR R4 base URL (where /metadata answers).",
    example: 'https://ehr.hospital-a.example/fhir',
    kind: 'httpUrl',
  },
  {
    key: 'caUrl',
    group: 'Hospital CA',
    label: 'CA URL',
    hint: "Your hospital's Fabric CA, where administrators enrol and revoke cards (https).",
    example: 'https://ca.hospital-a.example:7054',
    kind: 'httpUrl',
  },
  {
    key: 'caTlsCaPath',
    group: 'Hospital CA',
    label: 'CA TLS certificate',
    hint: "The PEM file of the CA that signed the Fabric CA server's TLS certificate.",
    example: '/etc/action-ehr/hospital-a-ca-tls.pem',
    kind: 'filePath',
  },
];

export function settingDefinition(key: SettingKey): SettingDefinition {
  const def = SETTING_DEFINITIONS.find((d) => d.key === key);
  if (!def) throw new Error(`No definition for setting ${key}`);
  return def;
}

const HOSTNAME_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_BRACKETED = /^\[[0-9A-Fa-f:.]+\]$/;

function checkHost(host: string): string | null {
  if (host.length === 0) return 'The host part is empty.';
  if (IPV6_BRACKETED.test(host) || IPV4.test(host)) return null;
  if (/^\d+(\.\d+){3}$/.test(host)) return `"${host}" is not a valid IPv4 address.`;
  if (host.length > 253) return 'The host name is longer than 253 characters.';
  const bad = host.split('.').find((label) => !HOSTNAME_LABEL.test(label));
  if (bad !== undefined) return `"${host}" is not a valid host name.`;
  return null;
}

function checkPort(text: string): string | null {
  if (!/^\d+$/.test(text)) return `The port "${text}" is not a number.`;
  const port = Number(text);
  if (port < 1 || port > 65535) return `Port ${port} is out of range: use 1 to 65535.`;
  return null;
}

function checkHostPort(value: string, example: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return `Give host:port without a scheme, e.g. ${example}.`;
  }
  const match = /^(\[[^\]]*\]|[^:]*):([^:]*)$/.exec(value);
  if (!match) return `Expected host:port, e.g. ${example}.`;
  return checkHost(match[1] ?? '') ?? checkPort(match[2] ?? '');
}

/** An http(s) service URL: no credentials, query or fragment; plain http on loopback only. */
export function checkHttpUrl(value: string, example: string): string | null {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(value)?.[1];
  if (authority?.includes('@')) {
    return 'Remove the user name and password from the URL; credentials are never kept in it.';
  }
  // The URL parser refuses out-of-range ports with a vague error; say which port first.
  const portText = authority ? /^(?:\[[^\]]*\]|[^:]*):(.*)$/.exec(authority)?.[1] : undefined;
  const portProblem = portText !== undefined ? checkPort(portText) : null;
  if (portProblem) return portProblem;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL. Expected e.g. ${example}.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `Only http:// or https:// URLs are supported (got ${url.protocol}).`;
  }
  if (url.username || url.password) {
    return 'Remove the user name and password from the URL; credentials are never kept in it.';
  }
  if (url.search || url.hash) return 'The URL must not carry a query (?…) or fragment (#…).';
  const hostProblem = checkHost(url.hostname);
  if (hostProblem) return hostProblem;
  // Records, keys and sign-ins cross this connection: plain http only where it never
  // leaves the machine.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return `Use https:// for ${url.hostname}: plain http:// is allowed only on this computer (localhost, 127.0.0.1, [::1]).`;
  }
  return null;
}

/** localhost, 127.0.0.0/8 or [::1]: a connection that never leaves this machine. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '[::1]') return true;
  return IPV4.test(name) && name.startsWith('127.');
}

// Fabric accepts any string as an MSP id, but hospital consortia use short identifiers
// such as HospitalAMSP; we refuse anything else so a typo or a pasted path is caught.
const MSP_ID = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

function checkMspId(value: string): string | null {
  if (/\s/.test(value)) return 'An MSP id has no spaces.';
  if (!/^[A-Za-z]/.test(value)) return 'An MSP id starts with a letter, e.g. HospitalAMSP.';
  if (value.length > 64) return 'An MSP id is at most 64 characters.';
  if (!MSP_ID.test(value)) {
    return 'Unknown MSP id format: use letters, digits, ".", "_" or "-", e.g. HospitalAMSP.';
  }
  return null;
}

function checkFilePathSyntax(value: string): string | null {
  const absolute = value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value);
  if (!absolute) return 'Give the full path of the file (starting with / or a drive letter).';
  return null;
}

/**
 * Checks a setting's text. Returns a message for the person, or null when the text is
 * well-formed. Empty means "not set" and is always acceptable.
 */
export function checkSettingSyntax(key: SettingKey, value: string): string | null {
  if (value.length === 0) return null;
  if (value !== value.trim()) return 'Remove the spaces at the start or end.';
  if (value.length > 1024) return 'This value is longer than 1024 characters.';
  const def = settingDefinition(key);
  switch (def.kind) {
    case 'hostPort':
      return checkHostPort(value, def.example);
    case 'httpUrl':
      return checkHttpUrl(value, def.example);
    case 'mspId':
      return checkMspId(value);
    case 'filePath':
      return checkFilePathSyntax(value);
  }
}

export function emptySettings(): Settings {
  return Object.fromEntries(SETTING_KEYS.map((k) => [k, null])) as Settings;
}
