// Child-process entry: runs one automatic registration (elastix, which computes
// synchronously for seconds to minutes) away from the main process's event loop, answers
// with the transform or the reason it failed, and exits. Cancelling kills this process.
import { isRtError } from '../../shared/rt/errors';
import type { CtVolume } from '../../shared/rt/registration/volume';
import { onParentMessage, postToParent } from '../offload/parent-port';
import {
  registerRigidAutomatically,
  type AutomaticRegistrationOptions,
} from './elastix-registration';

export interface RegistrationJob {
  fixed: CtVolume;
  moving: CtVolume;
  options?: AutomaticRegistrationOptions;
}

/**
 * A fresh, whole buffer per volume: a typed array arrives from the message as a view into
 * a larger one, and elastix's glue copies the view's whole underlying buffer.
 */
const own = (v: CtVolume): CtVolume => ({ ...v, hu: Float32Array.from(v.hu) });

onParentMessage(async (message) => {
  const job = message as RegistrationJob;
  try {
    const value = await registerRigidAutomatically(own(job.fixed), own(job.moving), job.options);
    postToParent({ ok: true, value }, () => process.exit(0));
  } catch (error) {
    postToParent(
      {
        ok: false,
        code: isRtError(error) ? error.code : 'INTERNAL',
        message: error instanceof Error ? error.message : String(error),
      },
      () => process.exit(0),
    );
  }
}, true);
