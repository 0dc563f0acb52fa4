// The channel names alone, without their schemas, so the preload bundle stays small
// (it never validates: the main process does). contract.ts checks both lists agree.
export const CHANNEL_NAMES = [
  'getAppInfo',
  'getSettings',
  'checkSetting',
  'saveSettings',
  'getSession',
  'listCards',
  'signIn',
  'signOut',
  'listCaregivers',
  'listMyGrants',
  'grantAccess',
  'revokeAccess',
  'listSharedWithMe',
  'listRecords',
  'openRecord',
  'addRecords',
  'cancelOperation',
  'getAccessHistory',
  'getBreakGlassPolicy',
  'openBreakGlass',
  'listMyBreakGlass',
  'listBreakGlassForReview',
  'reviewBreakGlass',
  'listBreakGlassNotices',
  'acknowledgeBreakGlass',
  'listEnrolmentCards',
  'enrolCard',
  'listUsers',
  'revokeUser',
  'listRecordGateways',
  'publishRecordGateway',
  'searchPacs',
  'addFromPacs',
  'sendToPacs',
  'searchEhr',
  'addFromEhr',
  'localPatientNames',
  'importIntoEhr',
  'getConstraintTable',
  'saveConstraintTable',
  'resetConstraintTable',
  'exportDoseReport',
  'registerCourses',
  'acceptRegistration',
  'saveRegistrationRecord',
] as const;

export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** The Electron IPC channel string for a contract entry. */
export function ipcChannel(name: ChannelName): string {
  return `ehr:${name}`;
}

/** Events the main process pushes to the renderer, with their payload types in contract.ts. */
export const EVENT_NAMES = ['sessionChanged', 'operationProgress', 'viewChanged'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export function ipcEventChannel(name: EventName): string {
  return `ehr-event:${name}`;
}
