-- Moderator wellbeing and safety: a post held for risk needs two different moderators to agree
-- before it is published. The first approval is recorded here; the second publishes.
ALTER TABLE moderation_items ADD COLUMN first_review_by INTEGER REFERENCES users (id);
ALTER TABLE moderation_items ADD COLUMN first_review_at TEXT;
