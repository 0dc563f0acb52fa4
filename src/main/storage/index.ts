// The record store's public surface. See store.ts for the ObjectStore, keys.ts for why keys
// are random, errors.ts for what can go wrong.
export { ObjectStore, type ObjectInfo, type ObjectStoreOptions } from './store';
export { StorageError, isStorageError, type StorageErrorCode } from './errors';
export { newObjectKey, companionKey, isObjectKey, RECORD_PREFIX } from './keys';
export {
  DEFAULT_TUNING,
  checkSettings,
  type StorageSettings,
  type StorageTuning,
} from './settings';
export { DEFAULT_RETRY, type RetryPolicy, type RetryEvent } from './retry';
export type { Progress, ProgressListener } from './progress';
export type { UploadOptions, UploadResult } from './upload';
export type { ByteSource } from './parts';
export type { Download, DownloadOptions } from './download';
