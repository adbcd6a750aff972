CREATE TABLE "usage_daily_tenant" (
	"day" bigint NOT NULL,
	"tenant_id" text NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_input_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"reasoning_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_nano_usd" bigint DEFAULT 0 NOT NULL,
	"estimated_cost_nano_usd" bigint DEFAULT 0 NOT NULL,
	"unknown_cost_requests" bigint DEFAULT 0 NOT NULL,
	"estimated_requests" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_daily_tenant_day_tenant_id_pk" PRIMARY KEY("day","tenant_id")
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "allow_body_capture" boolean DEFAULT true NOT NULL;
--> statement-breakpoint
-- Backfill: the daily tenant level of everything the hourly tenant level already holds, so a
-- ledger written before this migration reports the same by UTC day as one written after it.
INSERT INTO "usage_daily_tenant" ("day", "tenant_id", "requests", "errors", "input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens", "cost_nano_usd", "estimated_cost_nano_usd", "unknown_cost_requests", "estimated_requests")
SELECT "hour" - ("hour" % 86400000), "tenant_id", SUM("requests"), SUM("errors"), SUM("input_tokens"), SUM("cached_input_tokens"), SUM("cache_write_tokens"), SUM("output_tokens"), SUM("reasoning_tokens"), SUM("cost_nano_usd"), SUM("estimated_cost_nano_usd"), SUM("unknown_cost_requests"), SUM("estimated_requests")
FROM "usage_hourly_tenant" GROUP BY 1, 2;
