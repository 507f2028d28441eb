-- A parent's reply count and newest reply are recounted from its children on every reply, edit
-- and moderation decision (store/post_repo.cpp, recount_children). With (parent_id, id) alone each
-- recount visited every child row to read its state: a topic with 500 replies cost 500 table
-- lookups per new reply. With the state in the index the count and the max read the index only.
CREATE INDEX posts_children_state ON posts (parent_id, state, id) WHERE parent_id IS NOT NULL;
