// The record store's settings from the workstation's: endpoint, bucket and region from
// Connection settings; the access key from the workstation's environment, set by hospital
// IT (EHR_S3_ACCESS_KEY_ID / EHR_S3_SECRET_ACCESS_KEY, or the AWS_* names). A secret key is
// never written to the workstation's database, which is not encrypted.
import type { Settings } from '../../shared/settings';
import { StorageError } from './errors';
import { checkSettings, type StorageSettings } from './settings';

export const DEFAULT_REGION = 'us-east-1';

export function storageSettingsFrom(
  settings: Settings,
  env: NodeJS.ProcessEnv = process.env,
): StorageSettings {
  if (!settings.storageEndpoint || !settings.storageBucket) {
    throw new StorageError(
      'INVALID_SETTINGS',
      'Cloud storage is not set up: set its endpoint and bucket in Connection settings.',
    );
  }
  const accessKeyId = env.EHR_S3_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.EHR_S3_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new StorageError(
      'INVALID_SETTINGS',
      'The cloud storage access key is not set: hospital IT provides it as EHR_S3_ACCESS_KEY_ID and EHR_S3_SECRET_ACCESS_KEY in the workstation’s environment.',
    );
  }
  const host = new URL(settings.storageEndpoint).hostname;
  const storage: StorageSettings = {
    endpoint: settings.storageEndpoint.replace(/\/+$/, ''),
    bucket: settings.storageBucket,
    region: settings.storageRegion ?? DEFAULT_REGION,
    accessKeyId,
    secretAccessKey,
    // AWS itself prefers virtual-hosted buckets; on-premises services (MinIO, Ceph) and IP
    // endpoints need the bucket in the path.
    forcePathStyle: !host.endsWith('.amazonaws.com'),
  };
  checkSettings(storage);
  return storage;
}
