CREATE TABLE `login_ips` (
	`user_id` integer NOT NULL,
	`ip` text NOT NULL,
	`last_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `ip`)
);
--> statement-breakpoint
CREATE TABLE `revoked_sessions` (
	`sid` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `ledger` ADD `uid` text;--> statement-breakpoint
ALTER TABLE `ledger` ADD `order_no` text;--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_uid` ON `ledger` (`uid`);--> statement-breakpoint
ALTER TABLE `model_prices` ADD `max_output_tokens` integer;--> statement-breakpoint
ALTER TABLE `tokens` ADD `disabled_by` text;