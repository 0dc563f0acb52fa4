/** Declares a result type without a runtime value: results are produced by our own code. */
export function returns<T>(): T {
  return undefined as T;
}
