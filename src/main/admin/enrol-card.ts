// Use case: the administrator enrols a card — a blank one, or one to re-enrol (wiped after he
// confirmed). Each step reports its progress; a failure names the step and undoes what the
// steps before it did, so no user is half-enrolled.
//
//   card-check        the card is in the reader, not his own, holds no keys (or he agreed)
//   card-init         C_InitToken with the SO PIN (wipes it), the new user's PIN set
//   card-keys         both key pairs generated on the card, the CSR signed on it
//   ca-register       the hospital CA registers the id with the role attributes
//                     (his card signs the request: it is the registrar)
//   ca-enrol          the CA certifies the card's key
//   card-certificate  the certificate written to the card
//   directory         the user registered on the ledger with the card's encryption key
//
// Undoing, latest first: after the CA registration, the identity is revoked at the CA by
// name (its certificate with it; the id is never used again, so a retry is a new enrolment
// with a new id and cannot make two users); after card-init, the card is wiped again with
// the same SO PIN, so it holds nothing. A directory submit whose fate is unknown is settled
// by reading the directory before anything is undone.
import type { EnrolResult, EnrolmentStep } from '../../shared/ipc/contract';
import { ENROLMENT_STEP_LABELS, ENROLMENT_STEPS } from '../../shared/ipc/slices/admin';
import type { Role } from '../../shared/roles';
import type { Operation } from '../app/operations';
import { EhrError } from '../errors';
import { toUserError } from '../failures';
import { CardClient } from '../keystore/card-client';
import { CardError } from '../keystore/errors';
import { registerAtFabricCa, revokeAtFabricCa } from '../keystore/fabric-ca';
import type { InitTokenOutcome } from '../keystore/init-token';
import { runInitToken } from '../keystore/init-token-run';
import { provisionCard, type CardIdentity, type ProvisionStep } from '../keystore/provision';
import { LedgerError } from '../ledger/errors';
import { registrarOf, requireAdmin, type AdminDeps } from './admin-deps';
import { caFailure } from './ca-failures';
import { isOwnCard, readCardSlots } from './enrolment-cards';
import {
  ADMIN_REGISTRAR_ATTRIBUTES,
  caAttributes,
  checkPersonDetails,
  ledgerRoleOf,
  newUserId,
} from './identity-attributes';
import { adminUserView } from './user-view';

export interface EnrolRequest {
  /** 'blank', or the serial of an initialised card to re-enrol. */
  card: string;
  role: Role;
  displayName: string;
  department: string;
  soPin: string;
  /** The new user's PIN, typed by him at the desk. */
  userPin: string;
  /** The administrator confirmed wiping a card that holds keys. */
  wipe: boolean;
  /** A fixed enrolment id (tests and hospital tools); a fresh random one otherwise. */
  userId?: string;
}

const CARD_LABEL = 'ACTION-EHR';
const STEP_OF: Record<ProvisionStep, EnrolmentStep> = {
  keys: 'card-keys',
  register: 'ca-register',
  enrol: 'ca-enrol',
  certificate: 'card-certificate',
};

interface UndoStep {
  what: string;
  run: () => Promise<unknown>;
}

export async function enrolCard(
  deps: AdminDeps,
  request: EnrolRequest,
  op: Operation,
): Promise<EnrolResult> {
  requireAdmin(deps.services);
  checkPersonDetails(request);
  let step: EnrolmentStep = 'card-check';
  const enter = (next: EnrolmentStep) => {
    step = next;
    op.report(next, ENROLMENT_STEPS.indexOf(next), ENROLMENT_STEPS.length, 'items');
  };
  enter('card-check');
  await checkCard(deps, request);

  const userId = request.userId ?? newUserId(request.role);
  const undo: UndoStep[] = [];
  let card: CardClient | null = null;
  try {
    enter('card-init');
    const initialised = await initialise(
      deps,
      request,
      request.card === 'blank' ? undefined : request.card,
    );
    const serial = initialised.serial;
    undo.unshift({
      what: 'wipe the card',
      run: () => initialise(deps, request, serial),
    });
    card = await CardClient.start({
      modulePath: deps.modulePath,
      script: deps.scripts.cardService,
      ...(deps.env ? { env: deps.env } : {}),
    });
    await card.call('signIn', { serial, pin: request.userPin });
    const identity = await provisionCard(
      card,
      {
        enrollmentId: userId,
        ca: deps.ca,
        secret: async () => {
          const secret = await registerAtFabricCa(deps.ca, registrarOf(deps.services), {
            enrollmentId: userId,
            attributes: caAttributes(request),
            ...(request.role === 'admin'
              ? { registrarAttributes: ADMIN_REGISTRAR_ATTRIBUTES }
              : {}),
          });
          undo.unshift({
            what: `withdraw the CA registration of ${userId}`,
            run: () =>
              revokeAtFabricCa(deps.ca, registrarOf(deps.services), userId, 'cessationofoperation'),
          });
          return secret;
        },
      },
      (provisionStep) => enter(STEP_OF[provisionStep]),
    );
    await card.call('signOut', undefined);
    await card.stop();
    card = null;
    enter('directory');
    const user = await registerInDirectory(deps, userId, request, identity);
    op.report('directory', ENROLMENT_STEPS.length, ENROLMENT_STEPS.length, 'items');
    return {
      user: adminUserView(user),
      pseudonym: request.role === 'patient' ? userId : null,
      serial,
    };
  } catch (error) {
    // The card process must let go of the card before it can be wiped.
    await card?.stop().catch(() => undefined);
    card = null;
    const failure = stepFailure(step, error);
    const left: string[] = [];
    for (const { what, run } of undo) {
      try {
        await run();
      } catch {
        left.push(what);
      }
    }
    if (left.length > 0) {
      throw new EhrError(
        'ENROLMENT_INCOMPLETE',
        `${failure.message} Undoing it did not finish: could not ${left.join(', nor ')}. Do that before enrolling this person again.`,
      );
    }
    const undone = undo.length > 0 ? ' What was done is undone: the card is wiped' : '';
    const ca = undo.length > 1 ? ' and the CA registration withdrawn.' : undone ? '.' : '';
    throw new EhrError(failure.code, `${failure.message}${undone}${ca} Nothing was enrolled.`);
  } finally {
    await card?.stop().catch(() => undefined);
  }
}

async function checkCard(deps: AdminDeps, request: EnrolRequest): Promise<void> {
  const slots = await readCardSlots(deps);
  const target =
    request.card === 'blank'
      ? slots.find((s) => s.blank)
      : slots.find((s) => !s.blank && s.serial === request.card);
  if (!target) {
    throw new EhrError(
      'CARD_NOT_PRESENT',
      request.card === 'blank'
        ? 'There is no blank card in the reader. Insert one. Nothing was enrolled.'
        : `Card ${request.card} is no longer in the reader. Nothing was enrolled.`,
    );
  }
  if (isOwnCard(deps, target)) {
    throw new EhrError(
      'NOT_ALLOWED',
      'That is your own card: enrolling it would wipe your identity. Nothing was enrolled.',
    );
  }
  if (target.holdsKeys && !request.wipe) {
    const whose = target.enrolledAs ? ` (enrolled as ${target.enrolledAs})` : '';
    throw new EhrError(
      'CARD_HOLDS_KEYS',
      `This card already holds ACTION-EHR keys${whose}. Enrolling wipes them for good. Confirm to wipe it. Nothing was changed.`,
    );
  }
}

async function initialise(
  deps: AdminDeps,
  request: EnrolRequest,
  serial: string | undefined,
): Promise<{ serial: string }> {
  const outcome: InitTokenOutcome = await runInitToken(
    deps.scripts.initToken,
    {
      modulePath: deps.modulePath,
      label: CARD_LABEL,
      soPin: request.soPin,
      userPin: request.userPin,
      ...(serial !== undefined ? { serial } : {}),
    },
    deps.env,
  );
  if (!('refused' in outcome)) return outcome;
  switch (outcome.refused) {
    case 'wrong-so-pin':
      throw new EhrError(
        'CARD_WRONG_SO_PIN',
        "The card's security officer (SO) PIN is wrong, so the card was not changed. Too many wrong SO PINs lock the card for good.",
      );
    case 'so-pin-locked':
      throw new EhrError(
        'CARD_WRONG_SO_PIN',
        "The card's security officer (SO) PIN is locked after too many wrong tries; this card cannot be enrolled again.",
      );
    default:
      throw new EhrError(
        'CARD_NOT_PRESENT',
        `The card is no longer in the reader (${outcome.detail}).`,
      );
  }
}

async function registerInDirectory(
  deps: AdminDeps,
  userId: string,
  request: EnrolRequest,
  identity: CardIdentity,
) {
  const { ledger, user: admin } = deps.services;
  const patient = request.role === 'patient';
  try {
    const submitted = await ledger.registerUser({
      userId,
      role: ledgerRoleOf(request.role),
      mspId: admin.mspId,
      certFingerprint: identity.certificateFingerprint,
      encryptionPublicKeyPem: identity.encryptionPublicKeyPem,
      displayName: patient ? '' : request.displayName,
      department: patient ? '' : request.department,
    });
    return submitted.value;
  } catch (error) {
    // The submit may have committed with its answer lost: the directory decides.
    const refused = error instanceof LedgerError && error.subject !== undefined;
    if (!refused) {
      const found = await ledger.getUser(userId).catch(() => null);
      if (found && found.certFingerprint === identity.certificateFingerprint) return found;
    }
    throw error;
  }
}

/** The failure, named by its step. */
function stepFailure(step: EnrolmentStep, error: unknown): EhrError {
  const where = `Enrolment stopped at “${ENROLMENT_STEP_LABELS[step]}”:`;
  const known =
    caFailure(error, '') ??
    (error instanceof EhrError || error instanceof LedgerError || error instanceof CardError
      ? toUserError(error)
      : null);
  if (known) {
    return new EhrError(known.code, `${where} ${known.message.trim()}`);
  }
  throw error;
}
