CREATE TABLE `prompt_subscriptions` (
	`name` text NOT NULL,
	`tenant_id` text NOT NULL,
	`status` text NOT NULL,
	`requested_at` integer NOT NULL,
	`decided_at` integer,
	PRIMARY KEY(`name`, `tenant_id`)
);
--> statement-breakpoint
CREATE TABLE `prompt_versions` (
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`definition` text NOT NULL,
	`owner_tenant_id` text,
	`deprecated_at` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`name`, `version`)
);
