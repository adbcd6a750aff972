ALTER TABLE `calls` ADD `protocol` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `end_user` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `tags` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `service` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `method` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `route` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `target` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `attempts` integer;--> statement-breakpoint
ALTER TABLE `calls` ADD `bytes_in` integer;--> statement-breakpoint
ALTER TABLE `calls` ADD `bytes_out` integer;