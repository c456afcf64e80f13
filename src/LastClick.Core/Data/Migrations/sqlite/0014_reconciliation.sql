-- Issue 16: a publisher's "what changed since my last pull" (status_updated_start / status_updated_end) reads its
-- orders by the time their status last changed, not by scanning all of them.
CREATE INDEX orders_publisher_updated ON orders (publisher_id, updated_at);
