// Use case: the physicist asks for an automatic registration of the prior course's CT to
// the current course's CT (Dose history, "Register automatically"). The renderer's worker
// holds the parsed courses, so it sends each CT as a (downsampled) volume of Hounsfield
// units; nothing is written to disk. Elastix runs in a child process (registration.child):
// it computes synchronously for seconds to minutes, which must never block the main
// process's event loop, and cancelling simply ends that process. The answer is a candidate
// only: nothing is summed through it until the physicist reviews and accepts it.
import { EhrError } from '../errors';
import type { Operation } from '../app/operations';
import { ChildTaskError, runChildTask, type ChildScript } from '../offload/child-task';
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

/** Registrations of full-size CTs take minutes on a loaded machine; past this one is stuck. */
const REGISTRATION_TIMEOUT_MS = 15 * 60_000;

/** Runs the child once: its answer, or an EhrError saying why there is none. */
async function runInChild(
  script: ChildScript,
  job: RegistrationJob,
  op: Operation,
): Promise<AutomaticRegistration> {
  try {
    return await runChildTask<RegistrationJob, AutomaticRegistration>(
      script,
      job,
      REGISTRATION_TIMEOUT_MS,
      { serialization: 'advanced', signal: op.signal },
    );
  } catch (error) {
    if (!(error instanceof ChildTaskError)) throw error;
    if (error.kind === 'cancelled')
      throw new EhrError('CANCELLED', `The automatic registration was cancelled. ${OUTCOME}`);
    const why =
      error.kind === 'failed'
        ? error.message.replace(/\.?$/, '.')
        : error.kind === 'timeout'
          ? 'The registration found no answer within 15 minutes.'
          : `The registration process ended without an answer (${error.message.split('\n')[0]}).`;
    throw new EhrError('REGISTRATION_FAILED', `${why} ${OUTCOME}`);
  }
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
  op.report('registration', 0, null, 'items');
  const found = await runInChild(
    deps.registrationScript,
    {
      fixed: request.fixed,
      moving: request.moving,
      ...(request.options ? { options: request.options } : {}),
    },
    op,
  );
  op.report('registration', 1, 1, 'items');
  return {
    transform: found.transform,
    method: found.method,
    eulerParameters: [...found.eulerParameters],
    centerOfRotation: [...found.centerOfRotation],
  };
}
