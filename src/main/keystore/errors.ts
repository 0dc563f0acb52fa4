// What can go wrong with a smart card, in words a patient at a kiosk understands.
export type CardErrorCode =
  | 'CARD_MODULE' // the PKCS#11 library could not be loaded or started
  | 'CARD_NOT_PRESENT' // no card in the reader (or not the expected one)
  | 'CARD_WRONG_PIN'
  | 'CARD_PIN_LOCKED'
  | 'CARD_NOT_SIGNED_IN'
  | 'CARD_REMOVED' // the card was pulled while signed in or during an operation
  | 'CARD_NOT_PROVISIONED' // the card holds no ACTION-EHR keys or certificate
  | 'CARD_ALREADY_PROVISIONED'
  | 'CARD_OPERATION_FAILED'
  | 'CARD_TIMEOUT'
  | 'CARD_BAD_REQUEST';

export class CardError extends Error {
  constructor(
    readonly code: CardErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CardError';
  }
}
