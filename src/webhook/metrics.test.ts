import { describe, expect, it } from "vitest";
import { WebhookMetrics } from "./metrics.js";

const line = (text: string, series: string): number => Number(new RegExp(`^${series.replace(/[{}]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);

describe("WebhookMetrics", () => {
  it("counts reviews and resolutions across scrapes, whichever way the registry is read", async () => {
    const metrics = new WebhookMetrics();
    metrics.review("mutate", "patched", 0.002);
    metrics.review("mutate", "patched", 0.003);
    metrics.review("validate", "denied", 0.001);
    metrics.resolution("cached");
    let text = await metrics.text();
    expect(line(text, 'imagepin_webhook_reviews_total{endpoint="mutate",outcome="patched"}')).toBe(2);
    expect(line(text, 'imagepin_webhook_reviews_total{endpoint="validate",outcome="denied"}')).toBe(1);
    expect(line(text, 'imagepin_webhook_resolutions_total{outcome="cached"}')).toBe(1);
    expect(line(text, 'imagepin_webhook_resolutions_total{outcome="fresh"}')).toBe(0);
    expect(line(text, 'imagepin_webhook_review_duration_seconds_count{endpoint="mutate"}')).toBe(2);

    metrics.review("mutate", "patched", 0.002);
    metrics.resolution("cached");
    metrics.resolution("fresh");
    // Read through prom-client's registry itself, as a caller holding `metrics.registry` would.
    text = await metrics.registry.metrics();
    expect(line(text, 'imagepin_webhook_reviews_total{endpoint="mutate",outcome="patched"}')).toBe(3);
    expect(line(text, 'imagepin_webhook_resolutions_total{outcome="cached"}')).toBe(2);
    expect(line(text, 'imagepin_webhook_resolutions_total{outcome="fresh"}')).toBe(1);
    // A scrape with nothing new changes nothing.
    expect(line(await metrics.text(), 'imagepin_webhook_reviews_total{endpoint="mutate",outcome="patched"}')).toBe(3);
  });
});
