-- Prices as providers bill them (cache-write ratios, tiers by prompt size), models the operator
-- pins against the price sync, and the source of each recorded price change (an admin or the sync).
ALTER TABLE `model_prices` ADD `cache_write_ratio` real;--> statement-breakpoint
ALTER TABLE `model_prices` ADD `cache_write_1h_ratio` real;--> statement-breakpoint
ALTER TABLE `model_prices` ADD `tiers` text;--> statement-breakpoint
ALTER TABLE `model_prices` ADD `pinned` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `pricing_history` ADD `source` text DEFAULT 'admin' NOT NULL;
