// Who is signed in: the smart card.
import { z } from 'zod';
import type { Role } from '../../roles';
import { returns } from './returns';

export type Session =
  | { state: 'signed-out'; reason: string }
  | {
      state: 'signed-in';
      user: { id: string; displayName: string; role: Role; mspId: string };
    };

export interface CardSummary {
  serial: string;
  label: string;
  manufacturer: string;
}

export const sessionContract = {
  getSession: { args: z.undefined(), result: returns<Session>() },
  listCards: { args: z.undefined(), result: returns<CardSummary[]>() },
  signIn: {
    args: z
      .object({
        // Printable ASCII only: a card's PIN pad types nothing else, and a control or NUL
        // character would reach the PKCS#11 module as part of the PIN.
        pin: z
          .string()
          .min(4, 'A PIN has at least 4 characters')
          .max(64)
          .regex(/^[\x20-\x7e]+$/, 'A PIN is made of letters, digits and printable signs'),
        serial: z.string().min(1).max(64).optional(),
      })
      .strict(),
    result: returns<Session>(),
  },
  signOut: {
    // `idle`: the automatic logoff signed the person out (the reason then says so).
    args: z
      .object({ because: z.literal('idle') })
      .strict()
      .optional(),
    result: returns<Session>(),
  },
};
