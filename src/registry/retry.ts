/** How the transport backs off between attempts. */
export interface RetryPolicy {
  /** Retries after the first attempt; default 3. */
  maxRetries: number;
  /** The first backoff, doubled for each further attempt; default 200 ms. */
  baseDelayMs: number;
  /** The longest computed backoff; default 5 s. */
  maxDelayMs: number;
  /** The longest Retry-After honoured; a registry asking for more gets no retry. Default 30 s. */
  maxRetryAfterMs: number;
}

/** The defaults of {@link RetryPolicy}. */
export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 200,
  maxDelayMs: 5000,
  maxRetryAfterMs: 30_000,
};

/** True for statuses worth another attempt: 429 and the 5xx that mean "not now" (not 501/505). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/**
 * Parses Retry-After (delta seconds or an HTTP date) into milliseconds from `now`; undefined when the
 * header is absent or unreadable. A date in the past gives 0.
 */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date names its month; this keeps numbers like "-1" from parsing as years.
  const date = /[A-Za-z]/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `attempt` (0 for the first retry): Retry-After when the registry sent
 * one, else exponential backoff with "equal jitter" (half fixed, half random) so that many clients
 * that failed together do not come back together. Undefined means "do not retry": the registry asked
 * for longer than the policy allows, or longer than the time left before the deadline.
 */
export function retryDelay(
  attempt: number,
  retryAfter: string | undefined,
  options: { policy: RetryPolicy; now: number; random: () => number; remainingMs?: number },
): number | undefined {
  const { policy, now, random, remainingMs } = options;
  const asked = parseRetryAfter(retryAfter, now);
  let delay: number;
  if (asked !== undefined) {
    if (asked > policy.maxRetryAfterMs) return undefined;
    delay = asked;
  } else {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
    delay = ceiling / 2 + random() * (ceiling / 2);
  }
  if (remainingMs !== undefined && delay >= remainingMs) return undefined;
  return Math.round(delay);
}
