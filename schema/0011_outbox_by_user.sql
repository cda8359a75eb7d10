-- A resume from before what a user's Redis inbox still holds (trimmed, or lost with Redis) is
-- served from the outbox: one user's events in id order (push/outbox_history.cpp).
ALTER TABLE outbox_events ADD KEY ix_outbox_user (user_id, id);
