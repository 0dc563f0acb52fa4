// The record flow's world for a test file: the two-hospital Fabric network, a real S3
// server (MinIO) with a bucket per hospital behind that hospital's record gateway (published
// on the ledger, the only holder of the bucket's credentials), smart cards (SoftHSM2) for a patient of HospitalA, HospitalA's oncologist
// and HospitalB's oncologist and physicist — each enrolled at his hospital's CA and in the
// directory — and one workstation per hospital, composed exactly as the app composes itself.
import { composeApp, type ComposedApp } from '../../src/main/app/compose';
import type { CardIdentity } from '../../src/main/keystore/provision';
import type { ArgsIn, ChannelName, ResultOf } from '../../src/shared/ipc/contract';
import type { IpcError } from '../../src/shared/ipc/errors';
import { enrolPerson, orgAdminLedger, type PersonSpec } from '../../scripts/demo/people';
import { softhsmModulePath } from './fixtures';
import { childScriptsFromSource } from './child-scripts';
import { startLedgerNetwork, type OrgIndex, type TestLedgerNetwork } from './ledger-network';
import { softhsmTokens, type TestTokens } from './softhsm';
import { startTestS3, type TestS3 } from '../storage/helpers';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { RunningGateway } from '../../src/gateway/server';
import type { EmergencyKey } from '../../src/gateway/emergency-key';
import { startTestGateway } from './record-gateway';
import { tempDir } from './tmp';

export const PIN = '314159';

export const PEOPLE = {
  patient: { hospital: 0, spec: { kind: 'patient', displayName: '', department: '' } },
  oncologistA: {
    hospital: 0,
    spec: { kind: 'oncologist', displayName: 'Dr Anna Arden', department: 'Radiation Oncology' },
  },
  oncologistB: {
    hospital: 1,
    spec: { kind: 'oncologist', displayName: 'Dr Ben Brandt', department: 'Radiation Oncology' },
  },
  physicistB: {
    hospital: 1,
    spec: { kind: 'physicist', displayName: 'Clara Chen', department: 'Medical Physics' },
  },
  // Break-glass: an emergency physician nobody granted (adminB below reviews it).
  emergencyB: {
    hospital: 1,
    spec: { kind: 'oncologist', displayName: 'Dr Eva Ember', department: 'Emergency Medicine' },
  },
  // HospitalB's first administrator card, enrolled by the devnet's appadmin: the CA registrar
  // for every card enrolled through the product's use case.
  adminB: {
    hospital: 1,
    spec: { kind: 'admin', displayName: 'Dana Dietz', department: 'Hospital IT' },
  },
} as const satisfies Record<string, { hospital: OrgIndex; spec: PersonSpec }>;

export type PersonName = keyof typeof PEOPLE;

export interface Person {
  name: PersonName;
  serial: string;
  identity: CardIdentity;
  id: string;
}

/** A call's failure as the renderer receives it. */
/** Awaits a call that must fail with a user-facing error, and returns that error. */
export async function failure(promise: Promise<unknown>): Promise<CallFailed> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof CallFailed)) {
    throw new Error(`expected the call to fail with a coded error; it gave ${String(error)}`);
  }
  return error;
}

export class CallFailed extends Error {
  constructor(readonly error: IpcError) {
    super(`${error.code}: ${error.message}`);
  }
}

export interface Workstation {
  app: ComposedApp;
  userDataDir: string;
  /** Calls a channel through the dispatcher, as the renderer does; throws CallFailed. */
  call<C extends ChannelName>(channel: C, args?: ArgsIn<C>): Promise<ResultOf<C>>;
  signInAs(person: Person): Promise<void>;
  signOut(): Promise<void>;
}

export interface WorkstationSettings {
  peerEndpoint: string;
  /** A clinic kiosk (settings locked, the patient forgotten at sign-out). */
  kiosk: boolean;
  /** Reuse this workstation's data folder (e.g. to reopen it with other settings). */
  userDataDir: string;
}

type TestGateway = RunningGateway & { emergencyKey: EmergencyKey };

export interface RecordWorld {
  net: TestLedgerNetwork;
  s3: TestS3;
  /** Each hospital's bucket (HospitalA's is s3.bucket), served by its gateway. */
  buckets: [string, string];
  gateways: [TestGateway, TestGateway];
  /**
   * Until restored, the hospital's records are fetched through `s3Endpoint` (e.g. a fault
   * proxy in front of the storage): a second gateway presigning for it is published in place
   * of the hospital's own. Workstations signed in before keep the gateway they found.
   */
  detourStorage(hospital: OrgIndex, s3Endpoint: string): Promise<{ restore(): Promise<void> }>;
  tokens: TestTokens;
  people: Record<PersonName, Person>;
  workstations: [Workstation, Workstation];
  /** The workstation of a person's hospital. */
  at(person: Person): Workstation;
  /** Another workstation of a hospital, its settings changed (e.g. an unreachable peer). */
  openWorkstation(
    hospital: OrgIndex,
    overrides?: Partial<WorkstationSettings>,
  ): Promise<Workstation>;
  stop(): Promise<void>;
}

function workstation(app: ComposedApp, userDataDir: string): Workstation {
  const call = async <C extends ChannelName>(channel: C, args?: ArgsIn<C>) => {
    const result = await app.dispatch(channel, args);
    if (!result.ok) throw new CallFailed(result.error);
    return result.value as ResultOf<C>;
  };
  return {
    app,
    userDataDir,
    call,
    async signInAs(person) {
      await call('signIn', { pin: PIN, serial: person.serial });
    },
    async signOut() {
      await call('signOut');
    },
  };
}

export async function startRecordWorld(): Promise<RecordWorld> {
  const [net, s3] = await Promise.all([startLedgerNetwork(1), startTestS3(20 * 60_000)]);
  const tokens = softhsmTokens();
  // Every workstation's card process finds the tokens through this configuration.
  process.env.SOFTHSM2_CONF = tokens.env.SOFTHSM2_CONF;
  const names = Object.keys(PEOPLE) as PersonName[];
  // A PKCS#11 module sees the tokens that exist when it starts: create them all first.
  const serials: Record<string, string> = {};
  for (const name of names) serials[name] = await tokens.createToken(name, PIN);
  const card = await tokens.startClient({ timeoutMs: 60_000 });
  const admins = [orgAdminLedger(net.profile(0)), orgAdminLedger(net.profile(1))];
  const home = tempDir('record-world');
  const people = {} as Record<PersonName, Person>;
  const buckets: [string, string] = [s3.bucket, `${s3.bucket}-b`];
  await s3.raw.send(new CreateBucketCommand({ Bucket: buckets[1] }));
  const gateways = [
    await startTestGateway(net, s3, 0, { bucket: buckets[0] }),
    await startTestGateway(net, s3, 1, { bucket: buckets[1] }),
  ] as [TestGateway, TestGateway];
  const publish = async (hospital: OrgIndex, url: string) => {
    const admin = orgAdminLedger(net.profile(hospital));
    try {
      await admin.ledger.publishRecordGateway(
        url,
        buckets[hospital],
        gateways[hospital].emergencyKey.publicKeyPem,
      );
    } finally {
      admin.close();
    }
  };
  try {
    await Promise.all(([0, 1] as const).map((h) => publish(h, gateways[h].url)));
    for (const name of names) {
      const { hospital, spec } = PEOPLE[name];
      await card.call('signIn', { serial: serials[name]!, pin: PIN });
      const identity = await enrolPerson({
        profile: net.profile(hospital),
        admin: admins[hospital]!.ledger,
        card,
        spec,
      });
      await card.call('signOut', undefined);
      people[name] = { name, serial: serials[name]!, identity, id: identity.enrollmentId };
    }
  } finally {
    for (const a of admins) a.close();
    await card.stop();
  }

  // The workstations hold no storage credentials: the gateways do.
  const env = { ...process.env };
  const dirs: { cleanup(): void }[] = [];
  const openWorkstation = async (
    hospital: OrgIndex,
    overrides: Partial<WorkstationSettings> = {},
  ): Promise<Workstation> => {
    let userDataDir = overrides.userDataDir;
    if (!userDataDir) {
      const dir = tempDir(`workstation-${hospital}`);
      dirs.push(dir);
      userDataDir = dir.path;
    }
    const compose = (kiosk: boolean) =>
      composeApp({
        userDataDir: userDataDir!,
        appInfo: {
          name: 'ACTION-EHR Workstation',
          version: 'test',
          kiosk,
          shell: 'browser-harness',
        },
        childScripts: childScriptsFromSource,
        env,
        // Each call's answer is checked at once, so reads wait for the ledger rather than
        // show a cached view first (that is tested on its own: test/unit/cached-views).
        cacheFirstMs: Number.POSITIVE_INFINITY,
      });
    let app = compose(false);
    const profile = net.profile(hospital);
    const saved = await app.dispatch('saveSettings', {
      values: {
        peerEndpoint: overrides.peerEndpoint ?? profile.peer.endpoint,
        peerTlsCaPath: profile.peer.tlsCACertPath,
        mspId: profile.mspId,
        pkcs11ModulePath: softhsmModulePath(),
        caUrl: profile.ca.url,
        caTlsCaPath: profile.ca.tlsCACertPath,
      },
    });
    if (!saved.ok) throw new Error(`workstation settings refused: ${saved.error.message}`);
    if (overrides.kiosk) {
      // Hospital IT sets a kiosk up before it is locked.
      await app.close();
      app = compose(true);
    }
    const station = workstation(app, userDataDir);
    opened.push(station);
    return station;
  };
  const opened: Workstation[] = [];
  const stations = [await openWorkstation(0), await openWorkstation(1)];
  const workstations = stations as [Workstation, Workstation];
  return {
    net,
    s3,
    buckets,
    gateways,
    async detourStorage(hospital, s3Endpoint) {
      const detour = await startTestGateway(net, s3, hospital, {
        bucket: buckets[hospital],
        s3Endpoint,
        emergencyKey: gateways[hospital].emergencyKey,
      });
      await publish(hospital, detour.url);
      return {
        async restore() {
          await publish(hospital, gateways[hospital].url);
          await detour.close();
        },
      };
    },
    tokens,
    people,
    workstations,
    at: (person) => workstations[PEOPLE[person.name].hospital],
    openWorkstation,
    async stop() {
      for (const w of opened) await w.app.close().catch(() => undefined);
      for (const d of dirs) d.cleanup();
      for (const g of gateways) await g.close();
      await net.stop();
      await s3.stop();
      tokens.cleanup();
      home.cleanup();
    },
  };
}
