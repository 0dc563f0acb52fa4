// Handlers of the radiotherapy slice: the workstation's constraint table (no sign-in
// needed: it is a preference of the machine, not a record), the dose-report export, and
// the registration of two courses (computed, accepted, saved as a record).
import type { rtContract } from '../../../shared/ipc/slices/rt';
import type { Operations } from '../../app/operations';
import type { UserWorkspace } from '../../app/workspace';
import type { ConstraintTableStore } from '../../rt/constraint-table-store';
import type { HandlersOf } from '../dispatch';
import { acceptRegistration } from '../../rt/accept-registration';
import { exportDoseReport, type ExportDoseReportDeps } from '../../rt/export-dose-report';
import { registerCourses, type RegisterCoursesDeps } from '../../rt/register-courses';
import { saveRegistrationRecord } from '../../rt/save-registration-record';

export function rtHandlers(
  deps: {
    constraintTable: ConstraintTableStore;
    operations: Operations;
    workspace: UserWorkspace;
  } & ExportDoseReportDeps &
    RegisterCoursesDeps,
): HandlersOf<typeof rtContract> {
  const { constraintTable, operations, workspace } = deps;
  return {
    getConstraintTable: () => constraintTable.read(),
    saveConstraintTable: ({ constraints }) => constraintTable.save(constraints),
    resetConstraintTable: () => constraintTable.reset(),
    exportDoseReport: (request) => exportDoseReport(deps, request),
    registerCourses: ({ operationId, ...request }) =>
      operations.run(operationId, (op) => registerCourses(deps, request, op)),
    acceptRegistration: (request) => acceptRegistration(deps, request),
    saveRegistrationRecord: ({ operationId, ...request }) => {
      const { services, directory } = workspace.current();
      return operations.run(operationId, (op) =>
        saveRegistrationRecord(services, directory, request, op),
      );
    },
  };
}
