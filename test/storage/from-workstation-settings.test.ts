import { describe, expect, it } from 'vitest';
import { storageSettingsFrom } from '../../src/main/storage/from-workstation-settings';
import { emptySettings, type Settings } from '../../src/shared/settings';

const configured = (values: Partial<Settings>): Settings => ({ ...emptySettings(), ...values });
const ENV = { EHR_S3_ACCESS_KEY_ID: 'hospital-a', EHR_S3_SECRET_ACCESS_KEY: 'not-in-the-db' };

describe('record store settings from the workstation', () => {
  it('combines Connection settings with the access key from the environment', () => {
    expect(
      storageSettingsFrom(
        configured({ storageEndpoint: 'http://127.0.0.1:9000', storageBucket: 'records' }),
        ENV,
      ),
    ).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'records',
      region: 'us-east-1',
      accessKeyId: 'hospital-a',
      secretAccessKey: 'not-in-the-db',
      forcePathStyle: true,
    });
  });

  it('uses virtual-hosted buckets on AWS and the region that is set', () => {
    const s = storageSettingsFrom(
      configured({
        storageEndpoint: 'https://s3.eu-central-1.amazonaws.com',
        storageBucket: 'records',
        storageRegion: 'eu-central-1',
      }),
      { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' },
    );
    expect(s).toMatchObject({ region: 'eu-central-1', forcePathStyle: false, accessKeyId: 'a' });
  });

  it('says what is missing', () => {
    expect(() => storageSettingsFrom(configured({}), ENV)).toThrow(/set its endpoint and bucket/);
    expect(() =>
      storageSettingsFrom(
        configured({ storageEndpoint: 'http://127.0.0.1:9000', storageBucket: 'records' }),
        {},
      ),
    ).toThrow(/EHR_S3_ACCESS_KEY_ID and EHR_S3_SECRET_ACCESS_KEY/);
  });
});
