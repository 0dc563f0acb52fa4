// The channel the hospitals share and the chaincode on it. Every hospital deploys the same
// names (scripts/devnet does too), so they are the product's, not a connection setting.
export const LEDGER_CHANNEL = 'ehr';
export const CHAINCODE_NAME = 'action-ehr';
