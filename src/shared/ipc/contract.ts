// The one IPC contract, assembled from one slice per feature (slices/). Every channel is
// declared once: its argument schema (checked in the main process before any handler runs)
// and its result type. The preload derives `window.ehr` from this table and the main
// process registers its handlers from it, so a channel cannot exist on one side only.
import type { z } from 'zod';
import { CHANNEL_NAMES, type ChannelName, type EventName } from './channels';
import { breakGlassContract } from './slices/break-glass';
import { adminContract } from './slices/admin';
import { directoryContract } from './slices/directory';
import { historyContract } from './slices/history';
import { ehrContract } from './slices/ehr';
import { pacsContract } from './slices/pacs';
import { permissionsContract } from './slices/permissions';
import { recordsContract, type OperationProgress } from './slices/records';
import { sessionContract, type Session } from './slices/session';
import type { ViewChanged } from './slices/ids';
import { settingsContract } from './slices/settings';
import { rtContract } from './slices/rt';

export type { AppInfo, FieldCheck } from './slices/settings';
export type { Session, CardSummary } from './slices/session';
export type { PersonView, Freshness, Snapshot, ViewName, ViewChanged } from './slices/ids';
export type { GrantView, GrantResult, RevokeResult, SharedPatientView } from './slices/permissions';
export type {
  RecordView,
  RecordList,
  OpenedRecord,
  AddedRecord,
  OperationProgress,
} from './slices/records';
export type { HistoryItem } from './slices/history';
export type { BreakGlassPolicy, BreakGlassView, BreakGlassSessionView } from './slices/break-glass';
export type {
  AdminUserView,
  EnrolmentCardView,
  EnrolmentStep,
  EnrolResult,
  RecordGatewayView,
  RevokeUserResult,
  UserList,
} from './slices/admin';

export type { ConstraintTableView, SavedReport } from './slices/rt';

export interface EventPayloads {
  sessionChanged: Session;
  operationProgress: OperationProgress;
  viewChanged: ViewChanged;
}

export const contract = {
  ...settingsContract,
  ...sessionContract,
  ...directoryContract,
  ...permissionsContract,
  ...recordsContract,
  ...historyContract,
  ...breakGlassContract,
  ...adminContract,
  ...pacsContract,
  ...ehrContract,
  ...rtContract,
} as const satisfies Record<ChannelName, { args: z.ZodType; result: unknown }>;

export type Contract = typeof contract;
// Both directions: every contract entry has a name in channels.ts and vice versa.
type _NoExtraChannels = keyof Contract extends ChannelName ? true : never;
const _noExtraChannels: _NoExtraChannels = true;
void _noExtraChannels;
type _NoExtraEvents = keyof EventPayloads extends EventName
  ? EventName extends keyof EventPayloads
    ? true
    : never
  : never;
const _noExtraEvents: _NoExtraEvents = true;
void _noExtraEvents;
export type ArgsIn<C extends ChannelName> = z.input<Contract[C]['args']>;
export type ArgsOut<C extends ChannelName> = z.output<Contract[C]['args']>;
export type ResultOf<C extends ChannelName> = Contract[C]['result'];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}

export type { SettingKey } from '../settings';
export type { ChannelName, EventName };
export { CHANNEL_NAMES };
export { ipcChannel } from './channels';
