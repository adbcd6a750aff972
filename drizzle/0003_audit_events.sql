CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`time` integer NOT NULL,
	`actor_kind` text NOT NULL,
	`actor` text,
	`action` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`source` text,
	`before` text,
	`after` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_time` ON `audit_events` (`time`);--> statement-breakpoint
CREATE INDEX `audit_action` ON `audit_events` (`action`,`id`);--> statement-breakpoint
CREATE INDEX `audit_actor` ON `audit_events` (`actor`,`id`);--> statement-breakpoint
CREATE INDEX `audit_target` ON `audit_events` (`target_id`,`id`);