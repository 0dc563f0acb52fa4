import { invalidArgument } from '../errors';

/**
 * The closed list of data categories a permission or record can name. Adding one is a
 * chaincode upgrade on purpose: every hospital must agree on what a category covers.
 */
export const CATEGORIES = [
  'radiotherapy-plan', // RT Plan, structure sets and prescriptions
  'dose', // RT Dose grids, DVHs, dose summations
  'imaging', // CT, MR, PET and other image series
  'treatment-record', // RT treatment records: delivered fractions
  'clinical-note', // free-text notes, letters, reports
  'lab', // laboratory results
  'medication', // medication statements and orders
] as const;

export type Category = (typeof CATEGORIES)[number];

function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

export function parseCategory(field: string, value: unknown): Category {
  if (!isCategory(value)) {
    throw invalidArgument(field, `${JSON.stringify(value)} is not one of ${CATEGORIES.join(', ')}`);
  }
  return value;
}
