import { describe, expect, it } from "vitest";
import { maxRegistryLabels, WebhookMetrics } from "./metrics.js";

const line = (text: string, series: string): number =>
  Number(new RegExp(`^${series.replace(/[{}]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);

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

describe("WebhookMetrics registry requests", () => {
  it("labels each request with its registry host and status", async () => {
    const metrics = new WebhookMetrics();
    metrics.registryRequest(200, "registry.example:5000");
    metrics.registryRequest(200, "registry.example:5000");
    metrics.registryRequest("error", "ghcr.io");
    const text = await metrics.text();
    expect(text).toContain('imagepin_registry_requests_total{registry="registry.example:5000",status="200"} 2');
    expect(text).toContain('imagepin_registry_requests_total{registry="ghcr.io",status="error"} 1');
  });

  it("counts hosts past the bound as other, so the series cannot grow without limit", async () => {
    const metrics = new WebhookMetrics();
    for (let i = 0; i < maxRegistryLabels + 10; i++) metrics.registryRequest(200, `r${i}.example`);
    metrics.registryRequest(200, "r0.example");
    const text = await metrics.text();
    const series = text.split("\n").filter((line) => line.startsWith("imagepin_registry_requests_total{"));
    expect(series).toHaveLength(maxRegistryLabels + 1);
    expect(text).toContain('imagepin_registry_requests_total{registry="other",status="200"} 10');
    expect(text).toContain('imagepin_registry_requests_total{registry="r0.example",status="200"} 2');
  });
});
