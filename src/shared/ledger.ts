// The ledger's own types, in one place for the main process and the renderer alike: they
// come straight from the chaincode package's models, so a field the chaincode renames breaks
// the typecheck here instead of a screen at run time.
export type { DirectoryUser } from '../../chaincode/src/model/user';
export type {
  PermissionEntry,
  GrantEntry,
  RevokeEntry,
  BreakGlassEntry,
  CategoryEntry,
} from '../../chaincode/src/model/permission-entry';
export type { RecordMetadata } from '../../chaincode/src/model/record-metadata';
export type { RecordGatewayEntry } from '../../chaincode/src/model/record-gateway-entry';
export type { AccessEntry } from '../../chaincode/src/model/access-entry';
export type {
  BreakGlassAcknowledgement,
  BreakGlassReview,
  BreakGlassSession,
} from '../../chaincode/src/model/break-glass-session';
export type { RecordListing, RecordAccessBasis } from '../../chaincode/src/model/record-listing';
export { CATEGORIES, type Category } from '../../chaincode/src/validation/categories';
export type { Role as LedgerRole } from '../../chaincode/src/validation/ids';

import type { Category } from '../../chaincode/src/validation/categories';

/** What each category covers, in the words the screens use. */
export const CATEGORY_LABELS: Record<Category, string> = {
  'radiotherapy-plan': 'Plans and structures',
  dose: 'Dose',
  imaging: 'Imaging',
  'treatment-record': 'Treatment records',
  'clinical-note': 'Clinical notes',
  lab: 'Laboratory results',
  medication: 'Medication',
};
