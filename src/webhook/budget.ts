import { setMaxListeners } from "node:events";
/**
 * The review deadline (issue 18): a review answers within `deadlineSeconds` whatever hangs. Its budget
 * is cut into three abort signals, armed from the review's start:
 * - `registry` aborts the registry calls early enough to leave {@link fallbackReserveMs} for the
 *   last-known-digest lookup;
 * - `store` aborts store lookups and writes {@link answerMarginMs} before the deadline, so the answer is
 *   built and written in time;
 * - `review` aborts at the deadline itself: whatever still runs then (a hung callee that ignores its
 *   signal) is abandoned and the Pod admitted unchanged with a warning.
 */
export interface ReviewBudget {
  registry: AbortSignal;
  store: AbortSignal;
  review: AbortSignal;
}

/** Kept free of registry calls for the fallback lookup: a fifth of the budget, at most a second. */
export function fallbackReserveMs(deadlineMs: number): number {
  return Math.min(1000, deadlineMs / 5);
}

/** Kept for building and writing the answer after the store gave up. */
export const answerMarginMs = 25;

/** Reviews starting within this many ms share one budget (each is at most this much short). */
const sharingWindowMs = 50;

/**
 * Hands out review budgets. Reviews that start within {@link sharingWindowMs} of each other share one
 * (armed from the first of them), so each review's budget is at most 50 ms short while a busy webhook
 * arms a few timers every 50 ms instead of three per review, which showed in the benchmark.
 */
export class ReviewBudgets {
  private current: { startedAt: number; budget: ReviewBudget } | undefined;

  constructor(
    private readonly deadlineMs: number,
    private readonly clock: () => number,
  ) {}

  /** The budget of a review starting now. */
  take(): ReviewBudget {
    const now = this.clock();
    const current = this.current;
    if (current && now - current.startedAt <= sharingWindowMs && now >= current.startedAt) return current.budget;
    const deadline = this.deadlineMs;
    const budget = {
      registry: abortAfter(deadline - fallbackReserveMs(deadline)),
      store: abortAfter(deadline - Math.min(answerMarginMs, deadline / 10)),
      review: abortAfter(deadline),
    };
    this.current = { startedAt: now, budget };
    return budget;
  }
}

function abortAfter(ms: number): AbortSignal {
  const controller = new AbortController();
  // Every review in the sharing window listens on these signals; past Node's default of 10 listeners it
  // printed a MaxListenersExceededWarning per signal, up to 20 a second under load (issue 16).
  setMaxListeners(0, controller.signal);
  setTimeout(() => controller.abort(), Math.max(1, ms)).unref();
  return controller.signal;
}
