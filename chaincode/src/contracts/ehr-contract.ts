import { Context, Contract } from 'fabric-contract-api';
import { loadClockPolicy, type ClockPolicy } from '../config';
import { refuseRevokedSigner } from '../auth/caller';
import { requirePlausibleTxTime } from '../ledger/tx-time';

/**
 * What every ACTION-EHR contract checks before any of its functions runs, queries included:
 * fabric-contract-api calls beforeTransaction on each invocation it routes.
 */
export abstract class EhrContract extends Contract {
  protected constructor(
    name: string,
    private readonly clock: ClockPolicy = loadClockPolicy(),
  ) {
    super(name);
  }

  override async beforeTransaction(ctx: Context): Promise<void> {
    requirePlausibleTxTime(ctx, this.clock);
    await refuseRevokedSigner(ctx);
  }
}
