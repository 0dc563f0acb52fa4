// Use case: the physicist asks for an automatic registration of the prior course's CT to
// the current course's CT (Dose history, "Register automatically"). The renderer's worker
// holds the parsed courses, so it sends each CT as a (downsampled) volume of Hounsfield
// units; nothing is written to disk. Elastix runs in a child process (registration.child):
// it computes synchronously for seconds to minutes, which must never block the main
// process's event loop, and cancelling simply ends that process. The answer is a candidate
// only: nothing is summed through it until the physicist reviews and accepts it.
import { EhrError } from '../errors';
import type { Operation } from '../app/operations';
import { launch, type ChildScript } from '../offload/child-process';
import type { SessionSource } from '../session/session';
import type { CandidateRegistration } from '../../shared/ipc/slices/rt';
import type { CtVolume } from '../../shared/rt/registration/volume';
import type { AutomaticRegistration, AutomaticRegistrationOptions } from './elastix-registration';
import type { RegistrationJob } from './registration.child';

export interface RegisterCoursesDeps {
  session: SessionSource;
  /** The registration child script; absent where the build ships none. */
  registrationScript?: ChildScript | undefined;
}

export interface RegisterCoursesRequest {
  /** The current course's CT: the reference frame the prior course is mapped into. */
  fixed: CtVolume;
  /** The prior course's CT. */
  moving: CtVolume;
  options?: AutomaticRegistrationOptions;
}

const OUTCOME = 'No registration was accepted; nothing was summed.';
const CAREGIVERS = new Set(['physicist', 'oncologist']);

type ChildReply =
  { ok: true; value: AutomaticRegistration } | { ok: false; code: string; message: string };

function refuseUnusable(request: RegisterCoursesRequest): void {
  const { fixed, moving } = request;
  if (fixed.frameOfReferenceUid === moving.frameOfReferenceUid)
    throw new EhrError(
      'REGISTRATION_FAILED',
      `Both CTs are in the same frame of reference (${fixed.frameOfReferenceUid}); they need no registration.`,
    );
  for (const [which, volume] of [
    ['current', fixed],
    ['prior', moving],
  ] as const) {
    const voxels = volume.size[0] * volume.size[1] * volume.size[2];
    if (volume.hu.length !== voxels)
      throw new EhrError(
        'INVALID_ARGUMENT',
        `The ${which} CT says ${volume.size.join('×')} voxels but holds ${volume.hu.length} values. ${OUTCOME}`,
      );
  }
}

/** Runs the child once: its answer, or an EhrError saying why there is none. */
function runInChild(
  script: ChildScript,
  job: RegistrationJob,
  op: Operation,
): Promise<AutomaticRegistration> {
  return new Promise((resolve, reject) => {
    const child = launch(script, { serialization: 'advanced', stderr: 'pipe' });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString('utf8');
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      op.signal.removeEventListener('abort', cancel);
      fn();
    };
    const cancel = () => {
      finish(() =>
        reject(new EhrError('CANCELLED', `The automatic registration was cancelled. ${OUTCOME}`)),
      );
      child.kill();
    };
    if (op.signal.aborted) return cancel();
    op.signal.addEventListener('abort', cancel);
    child.once('message', (raw) => {
      const reply = raw as ChildReply;
      finish(() =>
        reply.ok
          ? resolve(reply.value)
          : reject(
              new EhrError(
                'REGISTRATION_FAILED',
                `${reply.message.replace(/\.?$/, '.')} ${OUTCOME}`,
              ),
            ),
      );
      child.end();
    });
    child.once('error', (error) =>
      finish(() =>
        reject(
          new EhrError(
            'REGISTRATION_FAILED',
            `The registration process could not run (${error.message}). ${OUTCOME}`,
          ),
        ),
      ),
    );
    child.once('exit', (code, signal) =>
      finish(() =>
        reject(
          new EhrError(
            'REGISTRATION_FAILED',
            `The registration process ended without an answer (${signal ?? `exit code ${code}`}). ${stderr.trim().split('\n')[0] ?? ''} ${OUTCOME}`.replace(
              /\s+/g,
              ' ',
            ),
          ),
        ),
      ),
    );
    child.send(job);
  });
}

export async function registerCourses(
  deps: RegisterCoursesDeps,
  request: RegisterCoursesRequest,
  op: Operation,
): Promise<CandidateRegistration> {
  const session = deps.session.current();
  if (session.state !== 'signed-in')
    throw new EhrError('NOT_SIGNED_IN', 'Sign in with your card to register two courses.');
  if (!CAREGIVERS.has(session.user.role))
    throw new EhrError('NOT_ALLOWED', 'Only a physicist or an oncologist registers courses.');
  if (!deps.registrationScript)
    throw new EhrError(
      'NOT_CONFIGURED',
      'This workstation was built without the registration helper, so it cannot register CTs.',
    );
  refuseUnusable(request);
  op.report('registration', 0, null);
  const found = await runInChild(
    deps.registrationScript,
    {
      fixed: request.fixed,
      moving: request.moving,
      ...(request.options ? { options: request.options } : {}),
    },
    op,
  );
  op.report('registration', 1, 1);
  return {
    transform: found.transform,
    method: found.method,
    eulerParameters: [...found.eulerParameters],
    centerOfRotation: [...found.centerOfRotation],
  };
}
