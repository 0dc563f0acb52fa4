// What the administrator's use cases work with besides his signed-in services: the card
// readers (PKCS#11 module and the helper scripts that reach a card other than his own) and
// this hospital's Fabric CA, where his own card is the registrar.
import { readFileSync } from 'node:fs';
import type { Settings } from '../../shared/settings';
import type { SignedInServices } from '../app/signed-in-services';
import { EhrError } from '../errors';
import type { FabricCaEndpoint, Registrar } from '../keystore/fabric-ca';
import type { ChildScript } from '../offload/child-task';
import type { Pkcs11ModulePolicy } from '../settings/pkcs11-modules';

export interface AdminScripts {
  /** Initialises (wipes) a card: keystore/init-token.child.ts. */
  initToken: ChildScript;
  /** Lists the cards in the readers: keystore/card-slots.child.ts. */
  cardSlots: ChildScript;
  /** The card process, here for the card being enrolled: keystore/card-service.child.ts. */
  cardService: ChildScript;
}

export interface AdminDeps {
  services: SignedInServices;
  modulePath: string;
  ca: FabricCaEndpoint;
  scripts: AdminScripts;
  /** Environment of the helper processes (e.g. SOFTHSM2_CONF); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export function requireAdmin(services: SignedInServices): void {
  if (services.user.role !== 'admin') {
    throw new EhrError('NOT_ALLOWED', 'Only a hospital administrator can manage users.');
  }
}

/** The administrator's card signs the CA's token authorisation; its key never leaves it. */
export function registrarOf(services: SignedInServices): Registrar {
  return {
    certificatePem: services.card.identity.certificatePem,
    sign: (digest) => services.card.signDigest(digest),
  };
}

function notConfigured(what: string): EhrError {
  return new EhrError(
    'NOT_CONFIGURED',
    `${what} is not set in Connection settings. Ask your hospital IT to set it.`,
  );
}

/** The CA and reader settings, checked where they are needed. */
export function adminDepsFrom(
  services: SignedInServices,
  settings: Settings,
  scripts: AdminScripts | undefined,
  modules: Pkcs11ModulePolicy,
  env?: NodeJS.ProcessEnv,
): AdminDeps {
  requireAdmin(services);
  if (!scripts) throw new EhrError('NOT_CONFIGURED', 'This workstation cannot enrol cards.');
  if (!settings.caUrl) throw notConfigured("The hospital CA's URL");
  if (!settings.caTlsCaPath) throw notConfigured("The hospital CA's TLS certificate");
  if (!settings.pkcs11ModulePath) throw notConfigured('The PKCS#11 module');
  const refusal = modules.refusal(settings.pkcs11ModulePath);
  if (refusal) throw new EhrError('CARD_UNAVAILABLE', refusal);
  let tlsCaPem: string;
  try {
    tlsCaPem = readFileSync(settings.caTlsCaPath, 'utf8');
  } catch (error) {
    throw new EhrError(
      'NOT_CONFIGURED',
      `The hospital CA's TLS certificate cannot be read (${(error as Error).message}). Ask your hospital IT to check Connection settings.`,
    );
  }
  return {
    services,
    modulePath: settings.pkcs11ModulePath,
    ca: { url: settings.caUrl, tlsCaPem },
    scripts,
    ...(env ? { env } : {}),
  };
}
