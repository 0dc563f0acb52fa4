// The registration flow of the Dose history, shown when a sum was refused because two
// courses are in different frames of reference and no REG maps one into the other:
// "Register automatically" (the prior course's CT to the current one, elastix in the main
// process, cancellable), the review, Accept (the worker then sums through it) or Discard,
// and "Save registration as a record" (a DICOM REG shared as the patient's imaging record).
import { useState } from 'react';
import type { CandidateRegistration } from '../../shared/ipc/slices/rt';
import type { AcceptedRegistration } from '../../shared/rt/registration/accepted';
import type { RigidTransform } from '../../shared/rt/registration/rigid';
import { registrationVolume } from '../../shared/rt/registration/review';
import { decodedSeries } from './lazyPixels';
import type { CtVolume } from '../../shared/rt/registration/volume';
import { OperationProgressBar, cancelOperation } from '../components/OperationProgressBar';
import { ehr } from '../ehr';
import type { CourseData, DoseRef } from './protocol';
import { RegistrationReview } from './RegistrationReview';
import { rtClient } from './rtClient';

interface Side {
  course: CourseData;
  frame: string;
}

/**
 * The current course (the summation's reference: the first selected dose) and the prior
 * one (the first selected dose in another frame), or why there is no pair.
 */
export function registrationPair(
  courses: readonly CourseData[],
  selected: readonly DoseRef[],
): { current: Side; prior: Side } | null {
  const sides = selected.flatMap((ref) => {
    const course = courses.find((c) => c.id === ref.courseId);
    const grid = course?.doses[ref.doseIndex];
    return course && grid ? [{ course, frame: grid.frameOfReferenceUid }] : [];
  });
  const current = sides[0];
  const prior = sides.find((s) => s.frame !== current?.frame);
  return current && prior ? { current, prior } : null;
}

/** The side's CT: the series in its dose's frame of reference. */
function seriesOf(side: Side) {
  return side.course.imageSeries.find(
    (s) => s.frameOfReferenceUid === side.frame && s.slices.length > 0,
  );
}

async function decodedSeriesOf(side: Side): Promise<void> {
  const series = seriesOf(side);
  if (series) await decodedSeries(series);
}

/** The side's CT as a registration volume. */
function volumeOf(side: Side, which: string): CtVolume {
  const series = seriesOf(side);
  if (!series)
    throw new Error(
      `${which} course ${side.course.label} has no CT in its dose's frame of reference, so it cannot be registered. Open its CT (imaging) with it.`,
    );
  return registrationVolume(series);
}

type State =
  | { state: 'idle' }
  | { state: 'running'; operationId: string }
  | {
      state: 'reviewing';
      candidate: CandidateRegistration;
      transform: RigidTransform;
      adjusted: boolean;
      current: CtVolume;
      prior: CtVolume;
      busy: boolean;
    }
  | { state: 'failed'; message: string };

type SaveState =
  | { state: 'idle' }
  | { state: 'saving'; operationId: string }
  | { state: 'done' | 'failed'; text: string };

interface Props {
  courses: readonly CourseData[];
  selected: readonly DoseRef[];
  /** The ledger patient of the opened records, when a course came from the ledger. */
  patientId?: string | undefined;
  /** Shown after the refusal: no REG maps the frames, so a registration is offered. */
  offer: boolean;
  /** The registration in use, once accepted (the summation then names it). */
  accepted: AcceptedRegistration | null;
  onAccepted: (registration: AcceptedRegistration) => void;
}

export function RegistrationPanel({
  courses,
  selected,
  patientId,
  offer,
  accepted,
  onAccepted,
}: Props) {
  const [state, setState] = useState<State>({ state: 'idle' });
  const [save, setSave] = useState<SaveState>({ state: 'idle' });
  const pair = registrationPair(courses, selected);

  const register = async () => {
    if (!pair) return;
    let current: CtVolume;
    let prior: CtVolume;
    try {
      // Compressed slices may still be decoding in the background: the volume needs all.
      await Promise.all([pair.current, pair.prior].map((side) => decodedSeriesOf(side)));
      current = volumeOf(pair.current, 'The current');
      prior = volumeOf(pair.prior, 'The prior');
    } catch (error) {
      setState({ state: 'failed', message: (error as Error).message });
      return;
    }
    const operationId = crypto.randomUUID();
    setState({ state: 'running', operationId });
    const result = await ehr().registerCourses({ fixed: current, moving: prior, operationId });
    if (!result.ok) {
      setState({ state: 'failed', message: result.error.message });
      return;
    }
    setState({
      state: 'reviewing',
      candidate: result.value,
      transform: result.value.transform,
      adjusted: false,
      current,
      prior,
      busy: false,
    });
  };

  const accept = async () => {
    if (state.state !== 'reviewing') return;
    setState({ ...state, busy: true });
    const result = await ehr().acceptRegistration({
      transform: state.transform,
      method: state.candidate.method,
      adjusted: state.adjusted,
    });
    if (!result.ok) {
      setState({ state: 'failed', message: `${result.error.message} Nothing was accepted.` });
      return;
    }
    await rtClient().useRegistration(result.value);
    setState({ state: 'idle' });
    setSave({ state: 'idle' });
    onAccepted(result.value);
  };

  const saveAsRecord = async () => {
    const subject = pair?.current.course.subject;
    const origin = accepted?.origin;
    if (!accepted || origin?.kind !== 'automatic' || !patientId || !subject) return;
    const operationId = crypto.randomUUID();
    setSave({ state: 'saving', operationId });
    const result = await ehr().saveRegistrationRecord({
      patientId,
      registration: { transform: accepted.transform, origin },
      subject,
      operationId,
    });
    setSave(
      result.ok
        ? {
            state: 'done',
            text: `Registration saved as the patient’s ${result.value.map((r) => r.record.category).join(', ')} record.`,
          }
        : { state: 'failed', text: result.error.message },
    );
  };

  const saveBlocked = !patientId
    ? 'Open the courses from the ledger to save the registration as a record of the patient.'
    : !pair?.current.course.subject
      ? 'The current course’s CT names no study, so no registration object can be written for it.'
      : null;

  return (
    <div className="rt-registration-flow">
      {offer && state.state === 'idle' && pair && (
        <button type="button" onClick={() => void register()}>
          Register automatically: {pair.prior.course.label} CT onto {pair.current.course.label} CT
        </button>
      )}
      {state.state === 'running' && (
        <OperationProgressBar
          operationId={state.operationId}
          label="Automatic registration"
          onCancel={() => cancelOperation(state.operationId)}
        />
      )}
      {state.state === 'failed' && (
        <div className="banner error" role="alert" data-testid="registration-failed">
          <strong>No registration.</strong> {state.message}{' '}
          <button type="button" className="link" onClick={() => setState({ state: 'idle' })}>
            Dismiss
          </button>
        </div>
      )}
      {state.state === 'reviewing' && pair && (
        <RegistrationReview
          current={state.current}
          prior={state.prior}
          currentLabel={pair.current.course.label}
          priorLabel={pair.prior.course.label}
          transform={state.transform}
          adjusted={state.adjusted}
          method={state.candidate.method}
          rois={
            pair.current.course.structureSets.find(
              (s) => s.frameOfReferenceUid === pair.current.frame,
            )?.rois ?? []
          }
          busy={state.busy}
          onChange={(transform) =>
            // Nudged back to where elastix left it is not an adjustment.
            setState({
              ...state,
              transform,
              adjusted: transform.matrix.some(
                (v, i) => Math.abs(v - (state.candidate.transform.matrix[i] ?? 0)) > 1e-6,
              ),
            })
          }
          onAccept={() => void accept()}
          onDiscard={() => setState({ state: 'idle' })}
        />
      )}
      {accepted?.origin.kind === 'automatic' && (
        <div className="rt-actions">
          <button
            type="button"
            disabled={saveBlocked !== null || save.state === 'saving' || save.state === 'done'}
            title={saveBlocked ?? undefined}
            onClick={() => void saveAsRecord()}
          >
            Save registration as a record
          </button>
          {saveBlocked && <span className="muted">{saveBlocked}</span>}
          {save.state === 'saving' && (
            <OperationProgressBar operationId={save.operationId} label="Saving the registration" />
          )}
          {(save.state === 'done' || save.state === 'failed') && (
            <p
              className={save.state === 'done' ? 'muted' : 'banner error'}
              role={save.state === 'done' ? 'status' : 'alert'}
              data-testid="registration-saved"
            >
              {save.text}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
