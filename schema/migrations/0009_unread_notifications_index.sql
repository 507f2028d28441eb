-- The unread-notification count goes out live with every new notification (a reply to someone's
-- topic recounts its author's unread). The partial index on (user_id) alone made each count look
-- up every unread row in the table, then its membership and its post: a topic author with 100
-- unread paid about 300 b-tree lookups per reply to their topic. With the network in the index the
-- count joins the reader's active memberships to the index and reads nothing else.
CREATE INDEX notifications_unread_by_network ON notifications (user_id, network_id) WHERE read_at IS NULL;
DROP INDEX notifications_unread;
