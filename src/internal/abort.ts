/**
 * Settles with `promise`, or rejects with `aborted()` as soon as `signal` aborts (at once when it already
 * has): for waiting on work that cannot itself be cancelled, such as a shared single-flight registry call
 * or a callee that ignores the signal. The abandoned promise keeps running; its later rejection is
 * handled here, so it never surfaces as an unhandled rejection.
 */
export function abandonOnAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  aborted: () => Error,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(aborted());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
