CREATE TABLE `orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_no` text NOT NULL,
	`user_id` integer NOT NULL,
	`amount` text NOT NULL,
	`pay_amount` text NOT NULL,
	`currency` text NOT NULL,
	`discount` text NOT NULL,
	`credit` integer NOT NULL,
	`method` text NOT NULL,
	`pay_type` text,
	`status` text NOT NULL,
	`pay_url` text,
	`provider_ref` text,
	`completed_by` text,
	`completed_by_user` integer,
	`note` text,
	`created_at` integer NOT NULL,
	`paid_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_no` ON `orders` (`order_no`);--> statement-breakpoint
CREATE INDEX `orders_user` ON `orders` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `orders_status` ON `orders` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `redemption_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code_hash` text NOT NULL,
	`code_prefix` text NOT NULL,
	`name` text,
	`quota` integer NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`used_by` integer,
	`used_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `redemption_codes_hash` ON `redemption_codes` (`code_hash`);