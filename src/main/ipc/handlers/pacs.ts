// Handlers of the PACS slice: each finds the signed-in workspace and calls one use case.
import type { pacsContract } from '../../../shared/ipc/slices/pacs';
import type { Settings } from '../../../shared/settings';
import type { Operations } from '../../app/operations';
import type { UserWorkspace } from '../../app/workspace';
import { searchPacs } from '../../pacs/search';
import { addFromPacs } from '../../records/add-from-pacs';
import { sendRecordToPacs } from '../../records/send-to-pacs';
import type { HandlersOf } from '../dispatch';

export function pacsHandlers(
  workspace: UserWorkspace,
  operations: Operations,
  settings: () => Settings,
): HandlersOf<typeof pacsContract> {
  return {
    searchPacs: (query) => {
      workspace.current(); // a signed-in caregiver's search, never an anonymous one
      return searchPacs(settings(), query);
    },
    addFromPacs: ({ operationId, ...request }) => {
      const { services, directory } = workspace.current();
      return operations.run(operationId, (op) =>
        addFromPacs(services, directory, settings(), request, op),
      );
    },
    sendToPacs: ({ operationId, ...request }) => {
      const { services, directory } = workspace.current();
      return operations.run(operationId, (op) =>
        sendRecordToPacs(services, directory, settings(), request, op),
      );
    },
  };
}
