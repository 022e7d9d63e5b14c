-- Referrals with top-up rebates, and plans with usage windows (issue 23).
-- The account object is the authority on rebate balances, withdrawals' holds and plan windows;
-- these tables are its mirrors and histories, and the operator's plan catalogue.
ALTER TABLE `users` ADD `invite_code` text;
--> statement-breakpoint
CREATE UNIQUE INDEX `users_invite_code` ON `users` (`invite_code`);
--> statement-breakpoint
ALTER TABLE `users` ADD `invited_by` integer;
--> statement-breakpoint
CREATE INDEX `users_invited_by` ON `users` (`invited_by`);
--> statement-breakpoint
ALTER TABLE `users` ADD `invite_void` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE `users` ADD `signup_ip` text;
--> statement-breakpoint
ALTER TABLE `tokens` ADD `plan_only` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE `orders` ADD `kind` text DEFAULT 'topup' NOT NULL;
--> statement-breakpoint
ALTER TABLE `orders` ADD `plan_id` integer;
--> statement-breakpoint
CREATE TABLE `rebates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uid` text NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`units` integer NOT NULL,
	`invitee_id` integer,
	`order_no` text,
	`withdrawal_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rebates_uid` ON `rebates` (`uid`);
--> statement-breakpoint
CREATE INDEX `rebates_user` ON `rebates` (`user_id`,`id`);
--> statement-breakpoint
CREATE TABLE `withdrawals` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`units` integer NOT NULL,
	`account` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	`decided_by` integer,
	`note` text
);
--> statement-breakpoint
CREATE INDEX `withdrawals_status` ON `withdrawals` (`status`,`created_at`);
--> statement-breakpoint
CREATE INDEX `withdrawals_user` ON `withdrawals` (`user_id`,`created_at`);
--> statement-breakpoint
CREATE TABLE `plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`price` text NOT NULL,
	`period_days` integer NOT NULL,
	`models` text,
	`limits` text NOT NULL,
	`on_sale` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`plan_id` integer NOT NULL,
	`price` text NOT NULL,
	`currency` text NOT NULL,
	`units` integer NOT NULL,
	`method` text NOT NULL,
	`order_no` text,
	`started_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `subscriptions_user` ON `subscriptions` (`user_id`,`started_at`);
