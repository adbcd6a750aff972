CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text,
	`name` text NOT NULL,
	`role` text DEFAULT 'tenant' NOT NULL,
	`hash` text NOT NULL,
	`prefix` text NOT NULL,
	`scopes` text DEFAULT '{}' NOT NULL,
	`quotas` text DEFAULT '{}' NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	`source` text DEFAULT 'api' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_tenant` ON `api_keys` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `calls` (
	`id` text PRIMARY KEY NOT NULL,
	`time` integer NOT NULL,
	`tenant_id` text,
	`key_id` text,
	`kind` text NOT NULL,
	`model` text,
	`provider` text,
	`upstream_model` text,
	`prompt_name` text,
	`prompt_version` integer,
	`status` integer NOT NULL,
	`error_code` text,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`cached_input_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`reasoning_tokens` integer DEFAULT 0 NOT NULL,
	`cost_nano_usd` integer,
	`cost_unknown` integer DEFAULT false NOT NULL,
	`estimated` integer DEFAULT false NOT NULL,
	`latency_ms` integer NOT NULL,
	`ttfb_ms` integer,
	`streamed` integer DEFAULT false NOT NULL,
	`cache_hit` integer DEFAULT false NOT NULL,
	`usage_raw` text
);
--> statement-breakpoint
CREATE INDEX `calls_tenant_time` ON `calls` (`tenant_id`,`time`);--> statement-breakpoint
CREATE INDEX `calls_key_time` ON `calls` (`key_id`,`time`);--> statement-breakpoint
CREATE INDEX `calls_time` ON `calls` (`time`);--> statement-breakpoint
CREATE TABLE `daily_rollups` (
	`day` text NOT NULL,
	`tenant_id` text NOT NULL,
	`key_id` text NOT NULL,
	`model` text NOT NULL,
	`prompt` text NOT NULL,
	`kind` text NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`cached_input_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`reasoning_tokens` integer DEFAULT 0 NOT NULL,
	`cost_nano_usd` integer DEFAULT 0 NOT NULL,
	`unknown_cost_requests` integer DEFAULT 0 NOT NULL,
	`estimated_requests` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `tenant_id`, `key_id`, `model`, `prompt`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `prices` (
	`model` text NOT NULL,
	`effective_from` integer NOT NULL,
	`input` integer NOT NULL,
	`cached_input` integer,
	`cache_write` integer,
	`output` integer NOT NULL,
	`reasoning` integer,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`model`, `effective_from`)
);
--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`quotas` text DEFAULT '{}' NOT NULL,
	`models` text,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`unpriced_models` text,
	`source` text DEFAULT 'api' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
