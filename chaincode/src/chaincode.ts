import { JSONSerializer } from 'fabric-contract-api';
import type { ChaincodeInterface } from 'fabric-shim';
import { contracts } from './index';

/**
 * Version of the transaction interface reported in the contract metadata
 * (org.hyperledger.fabric:GetMetadata); bump it when a function or argument changes.
 */
export const INTERFACE_TITLE = 'action-ehr';
export const INTERFACE_VERSION = '1.0.0';

type ChaincodeFromContractClass = new (
  contractClasses: unknown[],
  serializers: { transaction: string; serializers: Record<string, unknown> },
  metadata: Record<string, unknown>,
  title: string,
  version: string,
) => ChaincodeInterface;

/**
 * The chaincode that routes "Contract:function" calls to the contracts. fabric-shim has no
 * public constructor for it, so this loads the class its own `fabric-chaincode-node` command
 * uses; the version is pinned exactly in package.json.
 */
export function createChaincode(): ChaincodeInterface {
  const ChaincodeFromContract =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('fabric-shim/lib/contract-spi/chaincodefromcontract') as ChaincodeFromContractClass;
  const serializers = {
    transaction: 'jsonSerializer',
    serializers: { jsonSerializer: JSONSerializer },
  };
  // A copy: the shim appends its system contract to the array it is given.
  return new ChaincodeFromContract(
    [...contracts],
    serializers,
    {},
    INTERFACE_TITLE,
    INTERFACE_VERSION,
  );
}
