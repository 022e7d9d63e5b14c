-- The Checkout Session made for a Stripe order (a webhook credits only that session) and the
-- PaymentIntent that paid it (refunds and disputes name the charge's PaymentIntent).
ALTER TABLE `orders` ADD `stripe_session_id` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `stripe_payment_intent` text;--> statement-breakpoint
CREATE INDEX `orders_payment_intent` ON `orders` (`stripe_payment_intent`);--> statement-breakpoint
-- Orders made before: provider_ref held the session id until paid, then the PaymentIntent.
UPDATE `orders` SET `stripe_session_id` = `provider_ref` WHERE `method` = 'stripe' AND `provider_ref` LIKE 'cs\_%' ESCAPE '\';--> statement-breakpoint
UPDATE `orders` SET `stripe_payment_intent` = `provider_ref` WHERE `method` = 'stripe' AND `provider_ref` LIKE 'pi\_%' ESCAPE '\';
