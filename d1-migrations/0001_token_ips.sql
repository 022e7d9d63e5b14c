CREATE TABLE `token_ips` (
	`token_id` integer NOT NULL,
	`ip` text NOT NULL,
	`first_request_id` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	PRIMARY KEY(`token_id`, `ip`)
);
