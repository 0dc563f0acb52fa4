// The demo that `npm start` runs by default — the story of the product on the local
// two-hospital network, with real content on every screen:
//   2024, HospitalA: the patient's course (a full-size synthetic CT, structures, plan, dose
//     and 30 treatment records) is in HospitalA's PACS, his diagnosis, course summary and
//     medication in its EHR (hospital-systems.ts seeds them). The patient gives HospitalA's
//     oncologist write access, and the oncologist adds the course "from PACS" and the
//     clinical records "from EHR" — encrypted for the patient and himself, stored, registered.
//   2026, HospitalB: the patient grants HospitalB's oncologist (course and clinical records)
//     and physicist (course) read access for 30 days; the keys follow the grant.
//     HospitalB's emergency physician opens the patient's records by break-glass.
//     HospitalB's oncologist imports the shared course into HospitalB's PACS and the clinical
//     records into HospitalB's EHR, under HospitalB's own patient.
//     She then adds his 2026 re-irradiation plan and its REG from HospitalB's PACS, which the
//     physicist sums with the 2024 course in Dose history (EQD2, constraints).
// Each hospital has its own workstation and its people's cards are enrolled at its own CA.
// Every step goes through the workstations' own use cases, signed on the cards. The record
// storage and each hospital's record gateway are the devnet's (`up` starts and publishes them).
//
// Idempotent: everything lives under the devnet's state folder; cards and records are made again only when the network's CA changed (after `npm run devnet:reset`) or the
// demo's cast of cards did, and the story is seeded once (world.json's `seeded`); the
// hospitals' own systems are seeded conditionally, so seeding them again duplicates nothing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEER_ORGS, resolveConfig } from '../devnet/config';
import { readProfile, up, type ConnectionProfile } from '../devnet/network';
import { pacsUrl } from '../hospital/devnet-pacs';
import { ehrUrl } from '../hospital/devnet-ehr';
import { composeApp, type ComposedApp, type ComposeOptions } from '../../src/main/app/compose';
import { CardClient } from '../../src/main/keystore/card-client';
import { initTokenOrThrow } from '../../src/main/keystore/init-token-run';
import type { ChildScript } from '../../src/main/offload/child-task';
import type { ArgsIn, ChannelName, ResultOf } from '../../src/shared/ipc/contract';
import type { Category } from '../../src/shared/ledger';
import {
  DEMO_PATIENT,
  seedHospitalAEhr,
  seedHospitalAPacs,
  seedHospitalBEhr,
  seedHospitalBPacs,
} from './hospital-systems';
import { enrolPerson, newUserId, orgAdminLedger, type PersonSpec } from './people';

export const DEMO_PIN = '123456';
/** The demo cards' security-officer PIN (what re-initialises a card). */
const DEMO_SO_PIN = '87654321';
const COURSE: Category[] = ['imaging', 'radiotherapy-plan', 'dose', 'treatment-record'];

export interface DemoCard {
  label: string;
  enrollmentId: string;
  /** 0 = HospitalA, 1 = HospitalB: the hospital that enrolled the card. */
  hospital: 0 | 1;
  spec: PersonSpec;
}

export interface DemoWorkstation {
  hospital: 0 | 1;
  name: string;
  userDataDir: string;
  app: ComposedApp;
}

export interface DemoWorld {
  softhsmConf: string;
  cards: DemoCard[];
  workstations: [DemoWorkstation, DemoWorkstation];
  /** Environment of the demo's workstations (the demo cards' SoftHSM2 configuration). */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

function demoPeople(): DemoCard[] {
  const card = (label: string, hospital: 0 | 1, spec: PersonSpec): DemoCard => ({
    label,
    hospital,
    spec,
    enrollmentId: newUserId(spec.kind),
  });
  return [
    card('Demo patient', 0, { kind: 'patient', displayName: '', department: '' }),
    card('HospitalA oncologist', 0, {
      kind: 'oncologist',
      displayName: 'Dr Ada Demo',
      department: 'Radiation Oncology',
    }),
    card('HospitalB oncologist', 1, {
      kind: 'oncologist',
      displayName: 'Dr Bea Demo',
      department: 'Radiation Oncology',
    }),
    card('HospitalB physicist', 1, {
      kind: 'physicist',
      displayName: 'Marie Demo',
      department: 'Medical Physics',
    }),
    card('HospitalB administrator', 1, {
      kind: 'admin',
      displayName: 'Alan Demo',
      department: 'Hospital IT',
    }),
    // Nobody granted him: he opens the patient's records by break-glass.
    card(EMERGENCY_CARD, 1, {
      kind: 'oncologist',
      displayName: 'Dr Erin Demo',
      department: 'Emergency Medicine',
    }),
  ];
}

export const EMERGENCY_CARD = 'HospitalB emergency physician';
const EMERGENCY_REASON =
  'Patient brought in unconscious after a fall; prior radiotherapy dose to the brain needed before imaging';

/** The story's break-glass: HospitalB's emergency physician opens the patient's records. */
async function seedBreakGlass(world: DemoWorld, log: (line: string) => void): Promise<void> {
  const B = world.workstations[1];
  const patientId = world.cards[0]!.enrollmentId;
  const doctor = world.cards.find((c) => c.label === EMERGENCY_CARD)!;
  await signedInAs(B.app, doctor, async () => {
    await call(B.app, 'openBreakGlass', { patientId, reason: EMERGENCY_REASON, durationHours: 1 });
    const { records } = await call(B.app, 'listRecords', { patientId });
    const plan = records.find((r) => r.category === 'radiotherapy-plan');
    // The opening is on the ledger first, flagged; its key was never wrapped for his card,
    // so HospitalA's gateway wraps it for him from its emergency envelope.
    if (plan) await call(B.app, 'openRecord', { patientId, recordId: plan.recordId });
  });
  log('demo: HospitalB’s emergency physician opened the patient’s records by break-glass');
}

export function softhsmModulePath(): string {
  const found = [
    '/usr/lib/softhsm/libsofthsm2.so',
    '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
    '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  ].find((p) => existsSync(p));
  if (!found) throw new Error('SoftHSM2 is not installed: run `npm run setup`.');
  return found;
}

/** Bumped when the demo cards must be enrolled again (2: the administrator is a CA registrar). */
const CARDS_VERSION = 2;

interface Marker {
  ca: string;
  cardsVersion?: number;
  cards: DemoCard[];
  seeded: boolean;
  /** The story the records were seeded by (see STORY_VERSION). */
  storyVersion?: number;
}

/** Bumped when the story changes (2: from HospitalA's PACS and EHR to HospitalB's; 3: HospitalB's 2026 plan and REG). */
const STORY_VERSION = 3;

async function enrolCards(
  profiles: ConnectionProfile[],
  cards: DemoCard[],
  demoDir: string,
  scripts: { cardService: ChildScript; initToken: ChildScript },
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<void> {
  // Create every token first: a PKCS#11 module sees the tokens that exist when it starts.
  // The PINs travel to the child as data, never on a command line.
  for (const card of cards) {
    await initTokenOrThrow(
      scripts.initToken,
      { modulePath: softhsmModulePath(), label: card.label, soPin: DEMO_SO_PIN, userPin: DEMO_PIN },
      env,
    );
  }
  const cardScript = scripts.cardService;
  const client = await CardClient.start({
    modulePath: softhsmModulePath(),
    script: cardScript,
    env,
  });
  const admins = profiles.map((p) => orgAdminLedger(p));
  try {
    const tokens = await client.call('listTokens', undefined);
    for (const card of cards) {
      const token = tokens.find((t) => t.label === card.label);
      if (!token) throw new Error(`Demo card ${card.label} did not appear.`);
      await client.call('signIn', { serial: token.serial, pin: DEMO_PIN });
      await enrolPerson({
        profile: profiles[card.hospital]!,
        admin: admins[card.hospital]!.ledger,
        card: client,
        spec: card.spec,
        enrollmentId: card.enrollmentId,
      });
      await client.call('signOut', undefined);
      log(`demo: card "${card.label}" enrolled at ${profiles[card.hospital]!.mspId}`);
    }
  } finally {
    for (const a of admins) a.close();
    await client.stop();
  }
}

/** Calls a channel as the renderer would; throws with the person's message on failure. */
async function call<C extends ChannelName>(
  app: ComposedApp,
  channel: C,
  args?: ArgsIn<C>,
): Promise<ResultOf<C>> {
  const result = await app.dispatch(channel, args);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as ResultOf<C>;
}

async function signedInAs<T>(app: ComposedApp, card: DemoCard, work: () => Promise<T>): Promise<T> {
  const tokens = await call(app, 'listCards');
  const token = tokens.find((t) => t.label === card.label);
  if (!token) throw new Error(`demo card ${card.label} is not in the reader`);
  await call(app, 'signIn', { pin: DEMO_PIN, serial: token.serial });
  try {
    return await work();
  } finally {
    await call(app, 'signOut');
  }
}

/** What HospitalB's oncologist also reads, to import it into HospitalB's EHR. */
const CLINICAL: Category[] = ['clinical-note', 'medication'];

async function seedStory(
  world: DemoWorld,
  hospitals: HospitalSystems,
  log: (line: string) => void,
): Promise<void> {
  const [A, B] = world.workstations;
  const [patient, oncologistA, oncologistB, physicistB] = world.cards;
  const patientId = patient!.enrollmentId;
  const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
  const ahead = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  log('demo: seeding the hospitals’ own systems (HospitalA’s EHR and PACS, HospitalB’s EHR)');
  await seedHospitalAEhr(hospitals.ehr[0], patientId);
  await seedHospitalBEhr(hospitals.ehr[1]);
  await seedHospitalAPacs(hospitals.pacs[0], log);
  const plan2026 = await seedHospitalBPacs(hospitals.pacs[1], log);
  log(
    `demo: HospitalA’s EHR links its patient ${DEMO_PATIENT.hospitalA.value} to his pseudonym; HospitalB’s EHR knows him as ${DEMO_PATIENT.hospitalB.value}`,
  );
  await signedInAs(A.app, patient!, () =>
    call(A.app, 'grantAccess', {
      caregiverId: oncologistA!.enrollmentId,
      categories: [...COURSE, ...CLINICAL],
      validFrom: ago(1),
      validTo: ahead(365),
      read: true,
      write: true,
    }),
  );
  log('demo: the patient gave HospitalA’s oncologist read and write access');
  // The 2024 course from HospitalA's PACS, his clinical history from HospitalA's EHR.
  const added = await signedInAs(A.app, oncologistA!, async () => {
    const studies = await call(A.app, 'searchPacs', { patientId: DEMO_PATIENT.hospitalA.value });
    const series = studies.flatMap((study) =>
      study.series.map((s) => ({
        studyInstanceUid: s.studyInstanceUid,
        seriesInstanceUid: s.seriesInstanceUid,
      })),
    );
    const fromPacs = await call(A.app, 'addFromPacs', { patientId, series });
    const fromEhr = await call(A.app, 'addFromEhr', {
      patientId,
      localPatientId: DEMO_PATIENT.hospitalA.value,
    });
    return [...fromPacs, ...fromEhr];
  });
  log(
    `demo: HospitalA’s oncologist added ${added.length} records from HospitalA’s PACS and EHR (${added.map((a) => a.record.category).join(', ')})`,
  );
  for (const [caregiver, categories] of [
    [oncologistB!, [...COURSE, ...CLINICAL]],
    [physicistB!, COURSE],
  ] as const) {
    await signedInAs(A.app, patient!, () =>
      call(A.app, 'grantAccess', {
        caregiverId: caregiver.enrollmentId,
        categories: [...categories],
        validFrom: ago(0.01),
        validTo: ahead(30),
        read: true,
        // HospitalB's oncologist adds the 2026 plan to the patient's records.
        write: caregiver === oncologistB,
      }),
    );
    log(
      `demo: the patient granted ${caregiver.spec.displayName} (HospitalB) ${caregiver === oncologistB ? 'read and write' : 'read'} access for 30 days`,
    );
  }
  await seedBreakGlass(world, log);
  // HospitalB's oncologist takes the shared course into HospitalB's PACS and the clinical
  // records into HospitalB's EHR, under HospitalB's own patient.
  await signedInAs(B.app, oncologistB!, async () => {
    const { records } = await call(B.app, 'listRecords', { patientId });
    let instances = 0;
    let resources = 0;
    for (const record of records) {
      const target = { patientId, recordId: record.recordId };
      if (COURSE.includes(record.category)) {
        const sent = await call(B.app, 'sendToPacs', {
          ...target,
          localPatientId: DEMO_PATIENT.hospitalB.value,
          localPatientName: DEMO_PATIENT.dicomName,
        });
        instances += sent.stored + sent.alreadyThere;
      } else {
        const imported = await call(B.app, 'importIntoEhr', {
          ...target,
          localPatientId: DEMO_PATIENT.hospitalB.value,
        });
        resources += imported.created + imported.alreadyThere;
      }
    }
    log(
      `demo: HospitalB’s oncologist imported the shared course into HospitalB’s PACS (${instances} instances) and ${resources} clinical records into HospitalB’s EHR`,
    );
    // … and adds the 2026 re-irradiation plan (with its REG) from HospitalB's PACS.
    const studies = await call(B.app, 'searchPacs', { patientId: DEMO_PATIENT.hospitalB.value });
    const series = studies
      .filter((study) => study.studyInstanceUid === plan2026)
      .flatMap((study) =>
        study.series.map((s) => ({
          studyInstanceUid: s.studyInstanceUid,
          seriesInstanceUid: s.seriesInstanceUid,
        })),
      );
    const added2026 = await call(B.app, 'addFromPacs', { patientId, series });
    log(
      `demo: HospitalB’s oncologist added the 2026 plan from HospitalB’s PACS (${added2026.map((a) => a.record.category).join(', ')})`,
    );
  });
}

/** Each hospital's EHR (FHIR base) and PACS (DICOMweb root), HospitalA first. */
interface HospitalSystems {
  ehr: [string, string];
  pacs: [string, string];
}

export async function prepareDemoWorld(options: {
  childScripts: ComposeOptions['childScripts'];
  /** The child script that initialises a blank SoftHSM2 token (init-token.child). */
  initTokenScript: ChildScript;
  appInfo: ComposeOptions['appInfo'];
  log: (line: string) => void;
}): Promise<DemoWorld> {
  const { log } = options;
  const cfg = resolveConfig({ log });
  log('demo: starting the local two-hospital network (first time: about a minute)');
  await up(cfg, { build: true });
  const profiles = PEER_ORGS.map((org) => readProfile(cfg, org));
  const demoDir = join(cfg.stateDir, 'demo');
  const tokenDir = join(demoDir, 'cards');
  const softhsmConf = join(demoDir, 'softhsm2.conf');
  const markerFile = join(demoDir, 'world.json');
  const caFingerprint = createHash('sha256')
    .update(profiles.map((p) => readFileSync(p.ca.tlsCACertPath, 'utf8')).join(''))
    .digest('hex');
  let marker = existsSync(markerFile)
    ? (JSON.parse(readFileSync(markerFile, 'utf8')) as Marker)
    : null;
  const env = { ...process.env, SOFTHSM2_CONF: softhsmConf };
  // The workstations' card processes find the demo cards through this configuration.
  process.env.SOFTHSM2_CONF = softhsmConf;

  const cast = demoPeople().map((c) => c.label);
  const sameCast = marker?.cards.map((c) => c.label).join('\n') === cast.join('\n');
  // An older story is not seeded over (it would share the course twice): a new cast plays it.
  const olderStory = marker?.seeded === true && marker.storyVersion !== STORY_VERSION;
  if (olderStory) log('demo: this network holds an older demo story; seeding the new one');
  if (
    olderStory ||
    marker?.ca !== caFingerprint ||
    marker.cardsVersion !== CARDS_VERSION ||
    !existsSync(tokenDir) ||
    !sameCast
  ) {
    log('demo: enrolling the demo smart cards at each hospital’s CA');
    for (const dir of [tokenDir, join(demoDir, 'workstation-a'), join(demoDir, 'workstation-b')]) {
      rmSync(dir, { recursive: true, force: true });
    }
    mkdirSync(tokenDir, { recursive: true });
    writeFileSync(
      softhsmConf,
      `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\n`,
    );
    const cards = demoPeople();
    await enrolCards(
      profiles,
      cards,
      demoDir,
      { cardService: options.childScripts.cardService, initToken: options.initTokenScript },
      env,
      log,
    );
    marker = {
      ca: caFingerprint,
      cardsVersion: CARDS_VERSION,
      cards,
      seeded: false,
    };
    writeFileSync(markerFile, JSON.stringify(marker, null, 2));
  }

  // The workstations hold no storage credentials: the hospitals' gateways do.
  const workstationEnv = { ...process.env };

  const workstations = await Promise.all(
    ([0, 1] as const).map(async (hospital): Promise<DemoWorkstation> => {
      const profile = profiles[hospital]!;
      const userDataDir = join(demoDir, hospital === 0 ? 'workstation-a' : 'workstation-b');
      const app = composeApp({
        userDataDir,
        appInfo: options.appInfo,
        childScripts: options.childScripts,
        env: workstationEnv,
      });
      const saved = await app.dispatch('saveSettings', {
        values: {
          peerEndpoint: profile.peer.endpoint,
          peerTlsCaPath: profile.peer.tlsCACertPath,
          mspId: profile.mspId,
          pkcs11ModulePath: softhsmModulePath(),
          caUrl: profile.ca.url,
          caTlsCaPath: profile.ca.tlsCACertPath,
          // The hospital's own PACS on the local network (scripts/hospital/devnet-pacs.ts).
          pacsUrl: `${pacsUrl(cfg, PEER_ORGS[hospital]!)}/dicom-web`,
          // … and its own EHR (scripts/hospital/devnet-ehr.ts).
          ehrUrl: ehrUrl(cfg, PEER_ORGS[hospital]!),
        },
      });
      if (!saved.ok) throw new Error(`the demo settings were refused: ${saved.error.message}`);
      return { hospital, name: `${profile.organization}’s workstation`, userDataDir, app };
    }),
  );
  const hospitals: HospitalSystems = {
    ehr: [ehrUrl(cfg, PEER_ORGS[0]!), ehrUrl(cfg, PEER_ORGS[1]!)],
    pacs: [`${pacsUrl(cfg, PEER_ORGS[0]!)}/dicom-web`, `${pacsUrl(cfg, PEER_ORGS[1]!)}/dicom-web`],
  };
  const world: DemoWorld = {
    softhsmConf,
    cards: marker.cards,
    workstations: workstations as [DemoWorkstation, DemoWorkstation],
    env: workstationEnv,
    async close() {
      for (const w of workstations) await w.app.close();
    },
  };
  if (!marker.seeded) {
    try {
      await seedStory(world, hospitals, log);
    } catch (error) {
      await world.close();
      throw error;
    }
    marker.seeded = true;
    marker.storyVersion = STORY_VERSION;
    writeFileSync(markerFile, JSON.stringify(marker, null, 2));
  }
  return world;
}
