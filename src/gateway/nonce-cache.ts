// Nonces seen inside the request window. A nonce is kept until its request's timestamp has
// left the window, after which the timestamp check alone refuses a replay, so memory stays
// bounded by the request rate times the window.
export class NonceCache {
  readonly #seen = new Map<string, number>();

  /** Records `nonce` until `expiresAt` (ms); false when it was already seen. */
  claim(nonce: string, expiresAt: number, now = Date.now()): boolean {
    this.#prune(now);
    if (this.#seen.has(nonce)) return false;
    this.#seen.set(nonce, expiresAt);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  #prune(now: number): void {
    for (const [nonce, expiresAt] of this.#seen) if (expiresAt < now) this.#seen.delete(nonce);
  }
}
