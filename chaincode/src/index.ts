import { AccessLogContract } from './contracts/access-log-contract';
import { BreakGlassContract } from './contracts/break-glass-contract';
import { DirectoryContract } from './contracts/directory-contract';
import { HospitalServicesContract } from './contracts/hospital-services-contract';
import { PermissionsContract } from './contracts/permissions-contract';
import { RecordGatewayContract } from './contracts/record-gateway-contract';
import { RecordsContract } from './contracts/records-contract';

export {
  AccessLogContract,
  BreakGlassContract,
  DirectoryContract,
  HospitalServicesContract,
  PermissionsContract,
  RecordGatewayContract,
  RecordsContract,
};
export type { GatewayDecision } from './model/gateway-decision';
export { CATEGORIES, type Category } from './validation/categories';
export { EventName, type LedgerEvent } from './ledger/events';
export { ChaincodeError, type ErrorCode } from './errors';
export type { DirectoryUser } from './model/user';
export type {
  PermissionEntry,
  GrantEntry,
  RevokeEntry,
  BreakGlassEntry,
} from './model/permission-entry';
export type { RecordMetadata } from './model/record-metadata';
export type { RecordGatewayEntry } from './model/record-gateway-entry';
export type { AccessEntry } from './model/access-entry';
export type {
  BreakGlassAcknowledgement,
  BreakGlassReview,
  BreakGlassSession,
} from './model/break-glass-session';
export type { RecordListing, RecordAccessBasis } from './model/record-listing';

/**
 * The contracts this chaincode serves, read by fabric-shim (`fabric-chaincode-node`) and by
 * src/server.ts. The first is the default contract for unqualified function names.
 */
export const contracts = [
  DirectoryContract,
  PermissionsContract,
  RecordsContract,
  AccessLogContract,
  BreakGlassContract,
  RecordGatewayContract,
  HospitalServicesContract,
];
