// Tests fork the child-process scripts from source through tsx's loader; the app forks the
// built .cjs files. The scripts themselves are the same.
import { fileURLToPath } from 'node:url';
import type { ChildScript } from '../../src/main/offload/child-task';

export const PKCS11_PROBE_FROM_SOURCE: ChildScript = {
  path: fileURLToPath(new URL('../../src/main/offload/pkcs11-probe.child.ts', import.meta.url)),
  execArgv: ['--import', 'tsx'],
};

export const CARD_SERVICE_FROM_SOURCE: ChildScript = {
  path: fileURLToPath(new URL('../../src/main/keystore/card-service.child.ts', import.meta.url)),
  execArgv: ['--import', 'tsx'],
};

export const INIT_TOKEN_FROM_SOURCE: ChildScript = {
  path: fileURLToPath(new URL('../../src/main/keystore/init-token.child.ts', import.meta.url)),
  execArgv: ['--import', 'tsx'],
};

export const CARD_SLOTS_FROM_SOURCE: ChildScript = {
  path: fileURLToPath(new URL('../../src/main/keystore/card-slots.child.ts', import.meta.url)),
  execArgv: ['--import', 'tsx'],
};

export const REGISTRATION_FROM_SOURCE: ChildScript = {
  path: fileURLToPath(new URL('../../src/main/rt/registration.child.ts', import.meta.url)),
  execArgv: ['--import', 'tsx'],
};

export const childScriptsFromSource = {
  pkcs11Probe: PKCS11_PROBE_FROM_SOURCE,
  cardService: CARD_SERVICE_FROM_SOURCE,
  initToken: INIT_TOKEN_FROM_SOURCE,
  cardSlots: CARD_SLOTS_FROM_SOURCE,
  registration: REGISTRATION_FROM_SOURCE,
};
