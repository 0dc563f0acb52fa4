// Child-process entry: runs one automatic registration (elastix, which computes
// synchronously for seconds to minutes) away from the main process's event loop, answers
// with the transform or the reason it failed, and exits. Cancelling kills this process.
import type { CtVolume } from '../../shared/rt/registration/volume';
import { serveChildTask } from '../offload/child-task';
import {
  registerRigidAutomatically,
  type AutomaticRegistration,
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

serveChildTask<RegistrationJob, AutomaticRegistration>((job) =>
  registerRigidAutomatically(own(job.fixed), own(job.moving), job.options),
);
