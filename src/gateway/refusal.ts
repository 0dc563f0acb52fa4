// A request the gateway does not answer, with the HTTP status and the rule (or fault) it names.
export class GatewayRefused extends Error {
  constructor(
    readonly status: number,
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayRefused';
  }
}
