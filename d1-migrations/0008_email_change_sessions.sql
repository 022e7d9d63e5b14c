-- Issue 19, accounts: an address counts only once confirmed; a change waits in pending_email;
-- addresses are unique by their normalised mailbox; each session carries session_version.
ALTER TABLE `users` ADD `email_norm` text;--> statement-breakpoint
ALTER TABLE `users` ADD `pending_email` text;--> statement-breakpoint
ALTER TABLE `users` ADD `pending_email_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `signup_unverified` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `session_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- An address given at sign-up and never confirmed reserves nothing: it becomes the pending one.
UPDATE `users` SET `pending_email` = `email`, `pending_email_at` = `updated_at`, `signup_unverified` = 1, `email` = NULL
  WHERE `email` IS NOT NULL AND `email_verified_at` IS NULL;--> statement-breakpoint
-- The mailbox, as worker/db/mailbox.ts computes it: lower case, no +tag, no dots for gmail.com.
UPDATE `users` SET `email_norm` = lower(`email`) WHERE `email` IS NOT NULL;--> statement-breakpoint
UPDATE `users` SET `email_norm` = substr(`email_norm`, 1, instr(`email_norm`, '+') - 1) || substr(`email_norm`, instr(`email_norm`, '@'))
  WHERE instr(`email_norm`, '+') > 1 AND instr(`email_norm`, '+') < instr(`email_norm`, '@');--> statement-breakpoint
UPDATE `users` SET `email_norm` = replace(substr(`email_norm`, 1, instr(`email_norm`, '@') - 1), '.', '') || '@gmail.com'
  WHERE substr(`email_norm`, instr(`email_norm`, '@') + 1) IN ('gmail.com', 'googlemail.com');--> statement-breakpoint
-- Two confirmed addresses of one mailbox from before: the older account keeps it.
UPDATE `users` SET `email_norm` = NULL WHERE `email_norm` IS NOT NULL
  AND `id` NOT IN (SELECT MIN(`id`) FROM `users` WHERE `email_norm` IS NOT NULL GROUP BY `email_norm`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_norm_unique` ON `users` (`email_norm`);--> statement-breakpoint
CREATE TABLE `signup_bonuses` (
	`mailbox` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL
);--> statement-breakpoint
INSERT OR IGNORE INTO `signup_bonuses` (`mailbox`, `user_id`, `created_at`)
  SELECT u.`email_norm`, u.`id`, u.`updated_at` FROM `users` u
  WHERE u.`email_norm` IS NOT NULL AND EXISTS (SELECT 1 FROM `ledger` l WHERE l.`user_id` = u.`id` AND l.`note` = 'sign-up bonus');
