// Use case: the cards in the readers that could be enrolled, for the enrolment screen. The
// administrator's own card is left out: enrolling it would wipe his own identity.
import type { EnrolmentCardView } from '../../shared/ipc/contract';
import { EhrError } from '../errors';
import type { CardSlot } from '../keystore/card-slots';
import { runChildTask } from '../offload/child-task';
import { requireAdmin, type AdminDeps } from './admin-deps';

const SLOTS_TIMEOUT_MS = 30_000;

export async function readCardSlots(deps: AdminDeps): Promise<CardSlot[]> {
  try {
    return await runChildTask<{ modulePath: string }, CardSlot[]>(
      deps.scripts.cardSlots,
      { modulePath: deps.modulePath },
      SLOTS_TIMEOUT_MS,
      deps.env ? { env: deps.env } : {},
    );
  } catch (error) {
    throw new EhrError(
      'CARD_UNAVAILABLE',
      `The card readers could not be read: ${(error as Error).message}`,
    );
  }
}

export function isOwnCard(deps: AdminDeps, slot: CardSlot): boolean {
  return slot.certificateFingerprint === deps.services.card.identity.certificateFingerprint;
}

export async function listEnrolmentCards(deps: AdminDeps): Promise<EnrolmentCardView[]> {
  requireAdmin(deps.services);
  const slots = await readCardSlots(deps);
  return slots
    .filter((slot) => !isOwnCard(deps, slot))
    .map((slot) => ({
      card: slot.blank ? 'blank' : slot.serial,
      label: slot.blank ? 'Blank card' : slot.label,
      blank: slot.blank,
      holdsKeys: slot.holdsKeys,
      enrolledAs: slot.enrolledAs,
    }));
}
