CREATE TABLE `notices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`user_id` integer,
	`to` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text,
	`unsubscribe` text,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`lease_until` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notices_key` ON `notices` (`key`);--> statement-breakpoint
CREATE INDEX `notices_status` ON `notices` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `notify_settings` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`price_changes` integer DEFAULT false NOT NULL,
	`price_models` text,
	`new_ip` integer DEFAULT true NOT NULL,
	`low_balance` integer,
	`lang` text DEFAULT 'en' NOT NULL,
	`currency` text DEFAULT 'USD' NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `price_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch` text NOT NULL,
	`model` text NOT NULL,
	`before` text,
	`after` text,
	`changed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `price_changes_batch` ON `price_changes` (`batch`);--> statement-breakpoint
CREATE INDEX `price_changes_at` ON `price_changes` (`changed_at`);--> statement-breakpoint
ALTER TABLE `users` ADD `email` text;--> statement-breakpoint
ALTER TABLE `users` ADD `email_verified_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);