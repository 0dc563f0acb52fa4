// Handlers of the EHR slice: each finds the signed-in workspace and calls one use case.
import type { ehrContract } from '../../../shared/ipc/slices/ehr';
import type { Settings } from '../../../shared/settings';
import type { Operations } from '../../app/operations';
import type { UserWorkspace } from '../../app/workspace';
import { addFromEhr, searchEhr } from '../../records/add-from-ehr';
import { importRecordIntoEhr } from '../../records/import-to-ehr';
import { localPatientNames } from '../../ehr/local-names';
import type { HandlersOf } from '../dispatch';

export function ehrHandlers(
  workspace: UserWorkspace,
  operations: Operations,
  settings: () => Settings,
): HandlersOf<typeof ehrContract> {
  return {
    searchEhr: (query) => {
      workspace.current(); // a signed-in caregiver's search, never an anonymous one
      return searchEhr(settings(), query);
    },
    addFromEhr: ({ operationId, ...request }) => {
      const { services, directory } = workspace.current();
      return operations.run(operationId, (op) =>
        addFromEhr(services, directory, settings(), request, op),
      );
    },
    localPatientNames: ({ patientIds }) => {
      workspace.current(); // names go to a signed-in caregiver only
      return localPatientNames(settings(), patientIds);
    },
    importIntoEhr: ({ operationId, ...request }) => {
      const { services, directory } = workspace.current();
      return operations.run(operationId, (op) =>
        importRecordIntoEhr(services, directory, settings(), request, op),
      );
    },
  };
}
