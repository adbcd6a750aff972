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