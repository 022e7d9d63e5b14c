CREATE TABLE `import_map` (
	`source` text NOT NULL,
	`kind` text NOT NULL,
	`source_id` text NOT NULL,
	`target_id` integer,
	`imported_at` integer NOT NULL,
	PRIMARY KEY(`source`, `kind`, `source_id`)
);
