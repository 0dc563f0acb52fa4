// Handlers of the radiotherapy slice: the workstation's constraint table (no sign-in
// needed: it is a preference of the machine, not a record) and the dose-report export.
import type { rtContract } from '../../../shared/ipc/slices/rt';
import type { ConstraintTableStore } from '../../rt/constraint-table-store';
import type { HandlersOf } from '../dispatch';
import { exportDoseReport, type ExportDoseReportDeps } from '../../rt/export-dose-report';

export function rtHandlers(
  deps: { constraintTable: ConstraintTableStore } & ExportDoseReportDeps,
): HandlersOf<typeof rtContract> {
  const { constraintTable } = deps;
  return {
    getConstraintTable: () => constraintTable.read(),
    saveConstraintTable: ({ constraints }) => constraintTable.save(constraints),
    resetConstraintTable: () => constraintTable.reset(),
    exportDoseReport: (request) => exportDoseReport(deps, request),
  };
}
