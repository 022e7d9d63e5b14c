-- Sticky sessions (worker/relay/sticky.ts): each log row names its session by hash (never the raw
-- id) and says whether the provider reported a cache read; the cache hit rate is read from them.
ALTER TABLE `logs` ADD `session_hash` text;--> statement-breakpoint
ALTER TABLE `logs` ADD `cache_read` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `logs_channel` ON `logs` (`channel_id`,`created_at`);
