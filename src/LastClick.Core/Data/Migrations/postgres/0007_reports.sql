-- Reports (issue 5, decision 0009). A click keeps its device class and the publisher's traffic source at the time
-- of the click; an order keeps the report key of the click it was attributed to (link, sub ids, country, device),
-- so a status change years later lands in the same rollup row even after the raw click has been dropped, and the
-- commission a declined order would have earned (reported as "commission declined").
ALTER TABLE clicks ADD COLUMN device TEXT NULL;
ALTER TABLE clicks ADD COLUMN traffic_source TEXT NULL;
UPDATE clicks SET traffic_source = (SELECT traffic_type FROM publishers WHERE publishers.id = clicks.publisher_id);

ALTER TABLE orders ADD COLUMN declined_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN link_id TEXT NULL;
ALTER TABLE orders ADD COLUMN sub1 TEXT NULL;
ALTER TABLE orders ADD COLUMN sub2 TEXT NULL;
ALTER TABLE orders ADD COLUMN sub3 TEXT NULL;
ALTER TABLE orders ADD COLUMN sub4 TEXT NULL;
ALTER TABLE orders ADD COLUMN sub5 TEXT NULL;
ALTER TABLE orders ADD COLUMN click_country TEXT NULL;
ALTER TABLE orders ADD COLUMN device TEXT NULL;
UPDATE orders SET link_id = c.link_id, sub1 = c.sub1, sub2 = c.sub2, sub3 = c.sub3, sub4 = c.sub4, sub5 = c.sub5, click_country = c.country
FROM clicks c WHERE c.id = orders.attributed_click_id;

-- The rollup tables (generated from Reports.Cubes) and their first filling from the facts already stored.
-- @rollups

-- The fraud page lists the last days' invalid clicks by publisher and reason: a partial index holds only those (the
-- redirect pays for it only on an invalid click).
CREATE INDEX clicks_invalid_at ON clicks (at) WHERE invalid_reason IS NOT NULL;
