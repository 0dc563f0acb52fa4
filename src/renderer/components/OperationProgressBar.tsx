// Progress of one long operation in the main process (download, decrypt, re-wrapping keys),
// fed by the `operationProgress` event for that operation id only.
import { useEffect, useState } from 'react';
import type { OperationProgress } from '../../shared/ipc/contract';
import { ENROLMENT_STEP_LABELS } from '../../shared/ipc/slices/admin';
import { ehr } from '../ehr';
import { formatBytes, formatRate } from '../views/format';

const STAGE_LABELS: Record<OperationProgress['stage'], string> = {
  ledger: 'Recording on the ledger',
  download: 'Downloading',
  decrypt: 'Verifying and decrypting',
  upload: 'Uploading',
  keys: 'Sharing the keys',
  registration: 'Registering the CTs (elastix)',
  ...ENROLMENT_STEP_LABELS,
};

/** The latest progress event of `operationId` (null until the first arrives). */
export function useOperationProgress(operationId: string | null): OperationProgress | null {
  const [latest, setLatest] = useState<OperationProgress | null>(null);
  useEffect(() => {
    if (!operationId) return;
    let stop: (() => void) | undefined;
    try {
      stop = ehr().on('operationProgress', (progress) => {
        if (progress.operationId === operationId) setLatest(progress);
      });
    } catch {
      // No bridge: the operation itself will fail and say so.
    }
    return () => stop?.();
  }, [operationId]);
  return latest && latest.operationId === operationId ? latest : null;
}

interface Props {
  operationId: string;
  label: string;
  /** Offers Cancel, which asks the main process to stop the operation. */
  cancellable?: boolean;
  onCancel?: () => void;
}

/** Asks the main process to stop an operation; its own call then fails with what was kept. */
export function cancelOperation(operationId: string): void {
  void ehr()
    .cancelOperation({ operationId })
    .catch(() => undefined);
}

export function OperationProgressBar({ operationId, label, cancellable, onCancel }: Props) {
  const cancel = onCancel ?? (cancellable ? () => cancelOperation(operationId) : undefined);
  const progress = useOperationProgress(operationId);
  const total = progress?.total ?? null;
  const amount = (n: number) => (progress?.unit === 'items' ? String(n) : formatBytes(n));
  return (
    <div className="operation-progress" role="status" aria-label={label}>
      <progress
        aria-label={`${label} progress`}
        max={total ?? undefined}
        value={total !== null ? Math.min(progress?.done ?? 0, total) : undefined}
      />
      <span>
        {progress ? STAGE_LABELS[progress.stage] : 'Starting'}
        {progress &&
          progress.stage !== 'registration' &&
          ` · ${amount(progress.done)}${total !== null ? ` of ${amount(total)}` : ''}`}
        {progress && progress.bytesPerSecond > 0 && ` · ${formatRate(progress.bytesPerSecond)}`}
      </span>
      {cancel && (
        <button type="button" className="secondary" onClick={cancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
