// What an import into this hospital's own system (PACS or EHR) shows while it runs and when
// it ends: one progress bar, one failure banner, one count of what is new and already there.
import { ErrorBanner } from '../components/ErrorBanner';
import { OperationProgressBar } from '../components/OperationProgressBar';

export function ImportStatus({
  into,
  running,
  failure,
  imported,
}: {
  /** "EHR" or "PACS". */
  into: string;
  /** The operation id while the import runs. */
  running: string | null;
  failure: string | null;
  imported: { created: number; unit: string; alreadyThere: number } | null;
}) {
  return (
    <>
      {running && (
        <OperationProgressBar
          operationId={running}
          label={`Importing into your ${into}`}
          cancellable
        />
      )}
      {failure !== null && <ErrorBanner lead="Nothing was imported." message={failure} />}
      {imported && (
        <p className="banner success" role="status">
          Imported into your {into}: {imported.created} new {imported.unit}
          {imported.created === 1 ? '' : 's'}
          {imported.alreadyThere > 0 ? `, ${imported.alreadyThere} already there` : ''}.
        </p>
      )}
    </>
  );
}
