import { describe, expect, it } from "vitest";
import { maxRegistryLabels, WebhookMetrics } from "./metrics.js";

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
