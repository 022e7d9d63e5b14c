-- Set-aside upstream keys of a channel ([{index, since, error}]), mirrored from its health object.
ALTER TABLE `channels` ADD `key_states` text;
