CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"dedupe_key" text NOT NULL,
	"kind" text NOT NULL,
	"tenant_id" text NOT NULL,
	"key_id" text,
	"payload" text NOT NULL,
	"created_at" bigint NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint,
	"lease_until" bigint,
	"delivered_at" bigint,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"name" text NOT NULL,
	"role" text DEFAULT 'tenant' NOT NULL,
	"hash" text NOT NULL,
	"prefix" text NOT NULL,
	"scopes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"quotas" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"expires_at" bigint,
	"revoked_at" bigint,
	"source" text DEFAULT 'api' NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"time" bigint NOT NULL,
	"actor_kind" text NOT NULL,
	"actor" text,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"source" text,
	"before" text,
	"after" text,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "calls" (
	"id" text NOT NULL,
	"time" bigint NOT NULL,
	"tenant_id" text,
	"key_id" text,
	"kind" text NOT NULL,
	"model" text,
	"provider" text,
	"upstream_model" text,
	"prompt_name" text,
	"prompt_version" integer,
	"status" integer NOT NULL,
	"error_code" text,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_input_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"reasoning_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_nano_usd" bigint,
	"cost_unknown" boolean DEFAULT false NOT NULL,
	"estimated" boolean DEFAULT false NOT NULL,
	"latency_ms" bigint NOT NULL,
	"ttfb_ms" bigint,
	"streamed" boolean DEFAULT false NOT NULL,
	"cache_hit" boolean DEFAULT false NOT NULL,
	"usage_raw" text,
	"protocol" text,
	"end_user" text,
	"tags" text,
	"service" text,
	"method" text,
	"route" text,
	"target" text,
	"attempts" integer,
	"bytes_in" bigint,
	"bytes_out" bigint,
	CONSTRAINT "calls_id_time_pk" PRIMARY KEY("id","time")
) PARTITION BY RANGE ("time");
-- Hand-added (drizzle-kit cannot say it): one partition per UTC month, created by the ledger
-- writer before it writes into a month (src/ledger/pg/month-partitions.ts); retention drops them.
--> statement-breakpoint
CREATE TABLE "change_counters" (
	"name" text PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "daily_rollups" (
	"day" text NOT NULL,
	"tenant_id" text NOT NULL,
	"key_id" text NOT NULL,
	"model" text NOT NULL,
	"prompt" text NOT NULL,
	"kind" text NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_input_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"reasoning_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_nano_usd" bigint DEFAULT 0 NOT NULL,
	"unknown_cost_requests" bigint DEFAULT 0 NOT NULL,
	"estimated_requests" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "daily_rollups_day_tenant_id_key_id_model_prompt_kind_pk" PRIMARY KEY("day","tenant_id","key_id","model","prompt","kind")
);
--> statement-breakpoint
CREATE TABLE "dashboard_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"key_id" text,
	"admin_key_hash" text,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "perf_hourly" (
	"hour" bigint NOT NULL,
	"tenant_id" text NOT NULL,
	"model" text NOT NULL,
	"provider" text NOT NULL,
	"service" text NOT NULL,
	"kind" text NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"server_errors" bigint DEFAULT 0 NOT NULL,
	"latency_count" bigint DEFAULT 0 NOT NULL,
	"latency_ms_sum" bigint DEFAULT 0 NOT NULL,
	"ttft_count" bigint DEFAULT 0 NOT NULL,
	"ttft_ms_sum" bigint DEFAULT 0 NOT NULL,
	"lat_b0" bigint DEFAULT 0 NOT NULL,
	"lat_b1" bigint DEFAULT 0 NOT NULL,
	"lat_b2" bigint DEFAULT 0 NOT NULL,
	"lat_b3" bigint DEFAULT 0 NOT NULL,
	"lat_b4" bigint DEFAULT 0 NOT NULL,
	"lat_b5" bigint DEFAULT 0 NOT NULL,
	"lat_b6" bigint DEFAULT 0 NOT NULL,
	"lat_b7" bigint DEFAULT 0 NOT NULL,
	"lat_b8" bigint DEFAULT 0 NOT NULL,
	"lat_b9" bigint DEFAULT 0 NOT NULL,
	"lat_b10" bigint DEFAULT 0 NOT NULL,
	"lat_b11" bigint DEFAULT 0 NOT NULL,
	"lat_b12" bigint DEFAULT 0 NOT NULL,
	"lat_b13" bigint DEFAULT 0 NOT NULL,
	"lat_b14" bigint DEFAULT 0 NOT NULL,
	"lat_b15" bigint DEFAULT 0 NOT NULL,
	"lat_b16" bigint DEFAULT 0 NOT NULL,
	"lat_b17" bigint DEFAULT 0 NOT NULL,
	"lat_b18" bigint DEFAULT 0 NOT NULL,
	"lat_b19" bigint DEFAULT 0 NOT NULL,
	"ttft_b0" bigint DEFAULT 0 NOT NULL,
	"ttft_b1" bigint DEFAULT 0 NOT NULL,
	"ttft_b2" bigint DEFAULT 0 NOT NULL,
	"ttft_b3" bigint DEFAULT 0 NOT NULL,
	"ttft_b4" bigint DEFAULT 0 NOT NULL,
	"ttft_b5" bigint DEFAULT 0 NOT NULL,
	"ttft_b6" bigint DEFAULT 0 NOT NULL,
	"ttft_b7" bigint DEFAULT 0 NOT NULL,
	"ttft_b8" bigint DEFAULT 0 NOT NULL,
	"ttft_b9" bigint DEFAULT 0 NOT NULL,
	"ttft_b10" bigint DEFAULT 0 NOT NULL,
	"ttft_b11" bigint DEFAULT 0 NOT NULL,
	"ttft_b12" bigint DEFAULT 0 NOT NULL,
	"ttft_b13" bigint DEFAULT 0 NOT NULL,
	"ttft_b14" bigint DEFAULT 0 NOT NULL,
	"ttft_b15" bigint DEFAULT 0 NOT NULL,
	"ttft_b16" bigint DEFAULT 0 NOT NULL,
	"ttft_b17" bigint DEFAULT 0 NOT NULL,
	"ttft_b18" bigint DEFAULT 0 NOT NULL,
	"ttft_b19" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "perf_hourly_hour_tenant_id_model_provider_service_kind_pk" PRIMARY KEY("hour","tenant_id","model","provider","service","kind")
);
--> statement-breakpoint
CREATE TABLE "prices" (
	"model" text NOT NULL,
	"effective_from" bigint NOT NULL,
	"input" bigint NOT NULL,
	"cached_input" bigint,
	"cache_write" bigint,
	"output" bigint NOT NULL,
	"reasoning" bigint,
	"source" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "prices_model_effective_from_pk" PRIMARY KEY("model","effective_from")
);
--> statement-breakpoint
CREATE TABLE "prompt_subscriptions" (
	"name" text NOT NULL,
	"tenant_id" text NOT NULL,
	"status" text NOT NULL,
	"requested_at" bigint NOT NULL,
	"decided_at" bigint,
	CONSTRAINT "prompt_subscriptions_name_tenant_id_pk" PRIMARY KEY("name","tenant_id")
);
--> statement-breakpoint
CREATE TABLE "prompt_versions" (
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"owner_tenant_id" text,
	"deprecated_at" bigint,
	"created_at" bigint NOT NULL,
	CONSTRAINT "prompt_versions_name_version_pk" PRIMARY KEY("name","version")
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"quotas" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"models" jsonb,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"unpriced_models" text,
	"source" text DEFAULT 'api' NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_hourly" (
	"hour" bigint NOT NULL,
	"tenant_id" text NOT NULL,
	"key_id" text NOT NULL,
	"model" text NOT NULL,
	"provider" text NOT NULL,
	"prompt" text NOT NULL,
	"kind" text NOT NULL,
	"service" text NOT NULL,
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
	CONSTRAINT "usage_hourly_hour_tenant_id_key_id_model_provider_prompt_kind_service_pk" PRIMARY KEY("hour","tenant_id","key_id","model","provider","prompt","kind","service")
);
--> statement-breakpoint
CREATE TABLE "usage_hourly_labels" (
	"hour" bigint NOT NULL,
	"tenant_id" text NOT NULL,
	"key_id" text NOT NULL,
	"model" text NOT NULL,
	"provider" text NOT NULL,
	"prompt" text NOT NULL,
	"kind" text NOT NULL,
	"service" text NOT NULL,
	"end_user" text NOT NULL,
	"tags" text NOT NULL,
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
	CONSTRAINT "usage_hourly_labels_hour_tenant_id_key_id_model_provider_prompt_kind_service_end_user_tags_pk" PRIMARY KEY("hour","tenant_id","key_id","model","provider","prompt","kind","service","end_user","tags")
);
--> statement-breakpoint
CREATE TABLE "usage_hourly_model" (
	"hour" bigint NOT NULL,
	"model" text NOT NULL,
	"provider" text NOT NULL,
	"kind" text NOT NULL,
	"service" text NOT NULL,
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
	CONSTRAINT "usage_hourly_model_hour_model_provider_kind_service_pk" PRIMARY KEY("hour","model","provider","kind","service")
);
--> statement-breakpoint
CREATE TABLE "usage_hourly_tenant" (
	"hour" bigint NOT NULL,
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
	CONSTRAINT "usage_hourly_tenant_hour_tenant_id_pk" PRIMARY KEY("hour","tenant_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_dedupe_key" ON "alerts" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "alerts_created" ON "alerts" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "alerts_due" ON "alerts" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash" ON "api_keys" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "api_keys_tenant" ON "api_keys" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "audit_time" ON "audit_events" USING btree ("time");--> statement-breakpoint
CREATE INDEX "audit_action" ON "audit_events" USING btree ("action","id");--> statement-breakpoint
CREATE INDEX "audit_actor" ON "audit_events" USING btree ("actor","id");--> statement-breakpoint
CREATE INDEX "audit_target" ON "audit_events" USING btree ("target_id","id");--> statement-breakpoint
CREATE INDEX "calls_tenant_time" ON "calls" USING btree ("tenant_id","time");--> statement-breakpoint
CREATE INDEX "calls_key_time" ON "calls" USING btree ("key_id","time");--> statement-breakpoint
CREATE INDEX "calls_time" ON "calls" USING btree ("time");--> statement-breakpoint
CREATE INDEX "dashboard_sessions_expires" ON "dashboard_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "usage_hourly_tenant_hour" ON "usage_hourly" USING btree ("tenant_id","hour");--> statement-breakpoint
CREATE INDEX "usage_hourly_labels_tenant_hour" ON "usage_hourly_labels" USING btree ("tenant_id","hour");
--> statement-breakpoint
-- The audit trail is append-only: the database itself refuses to change or delete an event.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
