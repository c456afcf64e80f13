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

-- The rollup tables and their first filling from the facts already stored: frozen from what Reports.Cubes.Ddl and
-- Reports.RollupRebuild.Sql generated when this migration was released (MigrationFreezeTests checks they still
-- agree; a new or changed rollup table is a new migration).
-- rollups: begin
CREATE TABLE rollup_program_q (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (bucket, program_id, currency)
);
CREATE TABLE rollup_program_h (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (bucket, program_id, currency)
);
CREATE TABLE rollup_program_d (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (bucket, program_id, currency)
);
CREATE TABLE rollup_country_d (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (bucket, program_id, country, currency)
);
CREATE TABLE rollup_device_d (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    device TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (bucket, program_id, device, currency)
);
CREATE TABLE rollup_source_d (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    source TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (bucket, program_id, source, currency)
);
CREATE TABLE rollup_publishers_d (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    publisher_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (bucket, program_id, publisher_id, currency)
);
CREATE TABLE rollup_publishers_w (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    publisher_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (bucket, program_id, publisher_id, currency)
);
CREATE TABLE rollup_publisher_q (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    publisher_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (publisher_id, bucket, program_id, currency)
);
CREATE TABLE rollup_link_d (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    publisher_id TEXT NOT NULL,
    link_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (publisher_id, bucket, program_id, link_id, currency)
);
CREATE TABLE rollup_sub1_d (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    publisher_id TEXT NOT NULL,
    sub1 TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (publisher_id, bucket, program_id, sub1, currency)
);
CREATE TABLE rollup_publisher_geo_d (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    publisher_id TEXT NOT NULL,
    country TEXT NOT NULL,
    device TEXT NOT NULL,
    source TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (publisher_id, bucket, program_id, country, device, source, currency)
);
CREATE TABLE rollup_full_q (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    publisher_id TEXT NOT NULL,
    link_id TEXT NOT NULL,
    sub1 TEXT NOT NULL,
    country TEXT NOT NULL,
    device TEXT NOT NULL,
    source TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (publisher_id, bucket, program_id, link_id, sub1, country, device, source, currency)
);
CREATE TABLE rollup_full_d (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    publisher_id TEXT NOT NULL,
    link_id TEXT NOT NULL,
    sub1 TEXT NOT NULL,
    country TEXT NOT NULL,
    device TEXT NOT NULL,
    source TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (publisher_id, bucket, program_id, link_id, sub1, country, device, source, currency)
);
CREATE TABLE rollup_subs_q (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    publisher_id TEXT NOT NULL,
    link_id TEXT NOT NULL,
    sub2 TEXT NOT NULL,
    sub3 TEXT NOT NULL,
    sub4 TEXT NOT NULL,
    sub5 TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (publisher_id, bucket, program_id, link_id, sub2, sub3, sub4, sub5, currency)
);
CREATE TABLE rollup_subs_d (
    bucket BIGINT NOT NULL,
    program_id TEXT NOT NULL,
    publisher_id TEXT NOT NULL,
    sub2 TEXT NOT NULL,
    sub3 TEXT NOT NULL,
    sub4 TEXT NOT NULL,
    sub5 TEXT NOT NULL,
    currency TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    unique_clicks BIGINT NOT NULL,
    invalid_clicks BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    orders_approved BIGINT NOT NULL,
    orders_declined BIGINT NOT NULL,
    sales_minor BIGINT NOT NULL,
    commission_pending_minor BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor BIGINT NOT NULL,
    commission_paid_minor BIGINT NOT NULL,
    commission_declined_minor BIGINT NOT NULL,
    PRIMARY KEY (publisher_id, bucket, program_id, sub2, sub3, sub4, sub5, currency)
);
DELETE FROM rollup_program_q;
DELETE FROM rollup_program_h;
DELETE FROM rollup_program_d;
DELETE FROM rollup_country_d;
DELETE FROM rollup_device_d;
DELETE FROM rollup_source_d;
DELETE FROM rollup_publishers_d;
DELETE FROM rollup_publishers_w;
DELETE FROM rollup_publisher_q;
DELETE FROM rollup_link_d;
DELETE FROM rollup_sub1_d;
DELETE FROM rollup_publisher_geo_d;
DELETE FROM rollup_full_q;
DELETE FROM rollup_full_d;
DELETE FROM rollup_subs_q;
DELETE FROM rollup_subs_d;
INSERT INTO rollup_program_q (bucket, program_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 900000000, f.program_id, '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE TRUE
GROUP BY f.at / 900000000, f.program_id
ON CONFLICT (bucket, program_id, currency) DO UPDATE SET clicks = rollup_program_q.clicks + excluded.clicks, unique_clicks = rollup_program_q.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_program_q.invalid_clicks + excluded.invalid_clicks, orders = rollup_program_q.orders + excluded.orders, orders_approved = rollup_program_q.orders_approved + excluded.orders_approved, orders_declined = rollup_program_q.orders_declined + excluded.orders_declined, sales_minor = rollup_program_q.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_program_q.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_program_q.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_program_q.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_program_q.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_program_q.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_program_q (bucket, program_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 900000000, f.program_id, f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL
GROUP BY f.at / 900000000, f.program_id, f.payout_currency
ON CONFLICT (bucket, program_id, currency) DO UPDATE SET clicks = rollup_program_q.clicks + excluded.clicks, unique_clicks = rollup_program_q.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_program_q.invalid_clicks + excluded.invalid_clicks, orders = rollup_program_q.orders + excluded.orders, orders_approved = rollup_program_q.orders_approved + excluded.orders_approved, orders_declined = rollup_program_q.orders_declined + excluded.orders_declined, sales_minor = rollup_program_q.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_program_q.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_program_q.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_program_q.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_program_q.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_program_q.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_program_h (bucket, program_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 3600000000, f.program_id, '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE TRUE
GROUP BY f.at / 3600000000, f.program_id
ON CONFLICT (bucket, program_id, currency) DO UPDATE SET clicks = rollup_program_h.clicks + excluded.clicks, unique_clicks = rollup_program_h.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_program_h.invalid_clicks + excluded.invalid_clicks, orders = rollup_program_h.orders + excluded.orders, orders_approved = rollup_program_h.orders_approved + excluded.orders_approved, orders_declined = rollup_program_h.orders_declined + excluded.orders_declined, sales_minor = rollup_program_h.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_program_h.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_program_h.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_program_h.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_program_h.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_program_h.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_program_h (bucket, program_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 3600000000, f.program_id, f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL
GROUP BY f.at / 3600000000, f.program_id, f.payout_currency
ON CONFLICT (bucket, program_id, currency) DO UPDATE SET clicks = rollup_program_h.clicks + excluded.clicks, unique_clicks = rollup_program_h.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_program_h.invalid_clicks + excluded.invalid_clicks, orders = rollup_program_h.orders + excluded.orders, orders_approved = rollup_program_h.orders_approved + excluded.orders_approved, orders_declined = rollup_program_h.orders_declined + excluded.orders_declined, sales_minor = rollup_program_h.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_program_h.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_program_h.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_program_h.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_program_h.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_program_h.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_program_d (bucket, program_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE TRUE
GROUP BY f.at / 86400000000, f.program_id
ON CONFLICT (bucket, program_id, currency) DO UPDATE SET clicks = rollup_program_d.clicks + excluded.clicks, unique_clicks = rollup_program_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_program_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_program_d.orders + excluded.orders, orders_approved = rollup_program_d.orders_approved + excluded.orders_approved, orders_declined = rollup_program_d.orders_declined + excluded.orders_declined, sales_minor = rollup_program_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_program_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_program_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_program_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_program_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_program_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_program_d (bucket, program_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL
GROUP BY f.at / 86400000000, f.program_id, f.payout_currency
ON CONFLICT (bucket, program_id, currency) DO UPDATE SET clicks = rollup_program_d.clicks + excluded.clicks, unique_clicks = rollup_program_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_program_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_program_d.orders + excluded.orders, orders_approved = rollup_program_d.orders_approved + excluded.orders_approved, orders_declined = rollup_program_d.orders_declined + excluded.orders_declined, sales_minor = rollup_program_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_program_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_program_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_program_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_program_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_program_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_country_d (bucket, program_id, country, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, COALESCE(f.country, ''), '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE TRUE
GROUP BY f.at / 86400000000, f.program_id, COALESCE(f.country, '')
ON CONFLICT (bucket, program_id, country, currency) DO UPDATE SET clicks = rollup_country_d.clicks + excluded.clicks, unique_clicks = rollup_country_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_country_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_country_d.orders + excluded.orders, orders_approved = rollup_country_d.orders_approved + excluded.orders_approved, orders_declined = rollup_country_d.orders_declined + excluded.orders_declined, sales_minor = rollup_country_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_country_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_country_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_country_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_country_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_country_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_country_d (bucket, program_id, country, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, COALESCE(f.click_country, ''), f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL
GROUP BY f.at / 86400000000, f.program_id, COALESCE(f.click_country, ''), f.payout_currency
ON CONFLICT (bucket, program_id, country, currency) DO UPDATE SET clicks = rollup_country_d.clicks + excluded.clicks, unique_clicks = rollup_country_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_country_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_country_d.orders + excluded.orders, orders_approved = rollup_country_d.orders_approved + excluded.orders_approved, orders_declined = rollup_country_d.orders_declined + excluded.orders_declined, sales_minor = rollup_country_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_country_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_country_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_country_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_country_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_country_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_device_d (bucket, program_id, device, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, COALESCE(f.device, ''), '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE TRUE
GROUP BY f.at / 86400000000, f.program_id, COALESCE(f.device, '')
ON CONFLICT (bucket, program_id, device, currency) DO UPDATE SET clicks = rollup_device_d.clicks + excluded.clicks, unique_clicks = rollup_device_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_device_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_device_d.orders + excluded.orders, orders_approved = rollup_device_d.orders_approved + excluded.orders_approved, orders_declined = rollup_device_d.orders_declined + excluded.orders_declined, sales_minor = rollup_device_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_device_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_device_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_device_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_device_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_device_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_device_d (bucket, program_id, device, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, COALESCE(f.device, ''), f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL
GROUP BY f.at / 86400000000, f.program_id, COALESCE(f.device, ''), f.payout_currency
ON CONFLICT (bucket, program_id, device, currency) DO UPDATE SET clicks = rollup_device_d.clicks + excluded.clicks, unique_clicks = rollup_device_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_device_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_device_d.orders + excluded.orders, orders_approved = rollup_device_d.orders_approved + excluded.orders_approved, orders_declined = rollup_device_d.orders_declined + excluded.orders_declined, sales_minor = rollup_device_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_device_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_device_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_device_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_device_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_device_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_source_d (bucket, program_id, source, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, COALESCE(f.traffic_source, ''), '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE TRUE
GROUP BY f.at / 86400000000, f.program_id, COALESCE(f.traffic_source, '')
ON CONFLICT (bucket, program_id, source, currency) DO UPDATE SET clicks = rollup_source_d.clicks + excluded.clicks, unique_clicks = rollup_source_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_source_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_source_d.orders + excluded.orders, orders_approved = rollup_source_d.orders_approved + excluded.orders_approved, orders_declined = rollup_source_d.orders_declined + excluded.orders_declined, sales_minor = rollup_source_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_source_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_source_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_source_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_source_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_source_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_source_d (bucket, program_id, source, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, COALESCE(f.traffic_type, ''), f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL
GROUP BY f.at / 86400000000, f.program_id, COALESCE(f.traffic_type, ''), f.payout_currency
ON CONFLICT (bucket, program_id, source, currency) DO UPDATE SET clicks = rollup_source_d.clicks + excluded.clicks, unique_clicks = rollup_source_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_source_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_source_d.orders + excluded.orders, orders_approved = rollup_source_d.orders_approved + excluded.orders_approved, orders_declined = rollup_source_d.orders_declined + excluded.orders_declined, sales_minor = rollup_source_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_source_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_source_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_source_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_source_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_source_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_publishers_d (bucket, program_id, publisher_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, f.publisher_id, '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE TRUE
GROUP BY f.at / 86400000000, f.program_id, f.publisher_id
ON CONFLICT (bucket, program_id, publisher_id, currency) DO UPDATE SET clicks = rollup_publishers_d.clicks + excluded.clicks, unique_clicks = rollup_publishers_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_publishers_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_publishers_d.orders + excluded.orders, orders_approved = rollup_publishers_d.orders_approved + excluded.orders_approved, orders_declined = rollup_publishers_d.orders_declined + excluded.orders_declined, sales_minor = rollup_publishers_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_publishers_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_publishers_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_publishers_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_publishers_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_publishers_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_publishers_d (bucket, program_id, publisher_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, f.publisher_id, f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL
GROUP BY f.at / 86400000000, f.program_id, f.publisher_id, f.payout_currency
ON CONFLICT (bucket, program_id, publisher_id, currency) DO UPDATE SET clicks = rollup_publishers_d.clicks + excluded.clicks, unique_clicks = rollup_publishers_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_publishers_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_publishers_d.orders + excluded.orders, orders_approved = rollup_publishers_d.orders_approved + excluded.orders_approved, orders_declined = rollup_publishers_d.orders_declined + excluded.orders_declined, sales_minor = rollup_publishers_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_publishers_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_publishers_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_publishers_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_publishers_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_publishers_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_publishers_w (bucket, program_id, publisher_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT (f.at + 259200000000) / 604800000000, f.program_id, f.publisher_id, '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE TRUE
GROUP BY (f.at + 259200000000) / 604800000000, f.program_id, f.publisher_id
ON CONFLICT (bucket, program_id, publisher_id, currency) DO UPDATE SET clicks = rollup_publishers_w.clicks + excluded.clicks, unique_clicks = rollup_publishers_w.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_publishers_w.invalid_clicks + excluded.invalid_clicks, orders = rollup_publishers_w.orders + excluded.orders, orders_approved = rollup_publishers_w.orders_approved + excluded.orders_approved, orders_declined = rollup_publishers_w.orders_declined + excluded.orders_declined, sales_minor = rollup_publishers_w.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_publishers_w.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_publishers_w.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_publishers_w.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_publishers_w.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_publishers_w.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_publishers_w (bucket, program_id, publisher_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT (f.at + 259200000000) / 604800000000, f.program_id, f.publisher_id, f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL
GROUP BY (f.at + 259200000000) / 604800000000, f.program_id, f.publisher_id, f.payout_currency
ON CONFLICT (bucket, program_id, publisher_id, currency) DO UPDATE SET clicks = rollup_publishers_w.clicks + excluded.clicks, unique_clicks = rollup_publishers_w.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_publishers_w.invalid_clicks + excluded.invalid_clicks, orders = rollup_publishers_w.orders + excluded.orders, orders_approved = rollup_publishers_w.orders_approved + excluded.orders_approved, orders_declined = rollup_publishers_w.orders_declined + excluded.orders_declined, sales_minor = rollup_publishers_w.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_publishers_w.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_publishers_w.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_publishers_w.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_publishers_w.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_publishers_w.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_publisher_q (bucket, program_id, publisher_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 900000000, f.program_id, f.publisher_id, '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE TRUE
GROUP BY f.at / 900000000, f.program_id, f.publisher_id
ON CONFLICT (publisher_id, bucket, program_id, currency) DO UPDATE SET clicks = rollup_publisher_q.clicks + excluded.clicks, unique_clicks = rollup_publisher_q.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_publisher_q.invalid_clicks + excluded.invalid_clicks, orders = rollup_publisher_q.orders + excluded.orders, orders_approved = rollup_publisher_q.orders_approved + excluded.orders_approved, orders_declined = rollup_publisher_q.orders_declined + excluded.orders_declined, sales_minor = rollup_publisher_q.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_publisher_q.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_publisher_q.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_publisher_q.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_publisher_q.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_publisher_q.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_publisher_q (bucket, program_id, publisher_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 900000000, f.program_id, f.publisher_id, f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL
GROUP BY f.at / 900000000, f.program_id, f.publisher_id, f.payout_currency
ON CONFLICT (publisher_id, bucket, program_id, currency) DO UPDATE SET clicks = rollup_publisher_q.clicks + excluded.clicks, unique_clicks = rollup_publisher_q.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_publisher_q.invalid_clicks + excluded.invalid_clicks, orders = rollup_publisher_q.orders + excluded.orders, orders_approved = rollup_publisher_q.orders_approved + excluded.orders_approved, orders_declined = rollup_publisher_q.orders_declined + excluded.orders_declined, sales_minor = rollup_publisher_q.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_publisher_q.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_publisher_q.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_publisher_q.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_publisher_q.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_publisher_q.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_link_d (bucket, program_id, publisher_id, link_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE TRUE
GROUP BY f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.link_id, '')
ON CONFLICT (publisher_id, bucket, program_id, link_id, currency) DO UPDATE SET clicks = rollup_link_d.clicks + excluded.clicks, unique_clicks = rollup_link_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_link_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_link_d.orders + excluded.orders, orders_approved = rollup_link_d.orders_approved + excluded.orders_approved, orders_declined = rollup_link_d.orders_declined + excluded.orders_declined, sales_minor = rollup_link_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_link_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_link_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_link_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_link_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_link_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_link_d (bucket, program_id, publisher_id, link_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL
GROUP BY f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), f.payout_currency
ON CONFLICT (publisher_id, bucket, program_id, link_id, currency) DO UPDATE SET clicks = rollup_link_d.clicks + excluded.clicks, unique_clicks = rollup_link_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_link_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_link_d.orders + excluded.orders, orders_approved = rollup_link_d.orders_approved + excluded.orders_approved, orders_declined = rollup_link_d.orders_declined + excluded.orders_declined, sales_minor = rollup_link_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_link_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_link_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_link_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_link_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_link_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_sub1_d (bucket, program_id, publisher_id, sub1, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.sub1, ''), '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE TRUE
GROUP BY f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.sub1, '')
ON CONFLICT (publisher_id, bucket, program_id, sub1, currency) DO UPDATE SET clicks = rollup_sub1_d.clicks + excluded.clicks, unique_clicks = rollup_sub1_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_sub1_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_sub1_d.orders + excluded.orders, orders_approved = rollup_sub1_d.orders_approved + excluded.orders_approved, orders_declined = rollup_sub1_d.orders_declined + excluded.orders_declined, sales_minor = rollup_sub1_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_sub1_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_sub1_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_sub1_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_sub1_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_sub1_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_sub1_d (bucket, program_id, publisher_id, sub1, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.sub1, ''), f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL
GROUP BY f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.sub1, ''), f.payout_currency
ON CONFLICT (publisher_id, bucket, program_id, sub1, currency) DO UPDATE SET clicks = rollup_sub1_d.clicks + excluded.clicks, unique_clicks = rollup_sub1_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_sub1_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_sub1_d.orders + excluded.orders, orders_approved = rollup_sub1_d.orders_approved + excluded.orders_approved, orders_declined = rollup_sub1_d.orders_declined + excluded.orders_declined, sales_minor = rollup_sub1_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_sub1_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_sub1_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_sub1_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_sub1_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_sub1_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_publisher_geo_d (bucket, program_id, publisher_id, country, device, source, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.country, ''), COALESCE(f.device, ''), COALESCE(f.traffic_source, ''), '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE TRUE
GROUP BY f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.country, ''), COALESCE(f.device, ''), COALESCE(f.traffic_source, '')
ON CONFLICT (publisher_id, bucket, program_id, country, device, source, currency) DO UPDATE SET clicks = rollup_publisher_geo_d.clicks + excluded.clicks, unique_clicks = rollup_publisher_geo_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_publisher_geo_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_publisher_geo_d.orders + excluded.orders, orders_approved = rollup_publisher_geo_d.orders_approved + excluded.orders_approved, orders_declined = rollup_publisher_geo_d.orders_declined + excluded.orders_declined, sales_minor = rollup_publisher_geo_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_publisher_geo_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_publisher_geo_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_publisher_geo_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_publisher_geo_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_publisher_geo_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_publisher_geo_d (bucket, program_id, publisher_id, country, device, source, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.click_country, ''), COALESCE(f.device, ''), COALESCE(f.traffic_type, ''), f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL
GROUP BY f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.click_country, ''), COALESCE(f.device, ''), COALESCE(f.traffic_type, ''), f.payout_currency
ON CONFLICT (publisher_id, bucket, program_id, country, device, source, currency) DO UPDATE SET clicks = rollup_publisher_geo_d.clicks + excluded.clicks, unique_clicks = rollup_publisher_geo_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_publisher_geo_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_publisher_geo_d.orders + excluded.orders, orders_approved = rollup_publisher_geo_d.orders_approved + excluded.orders_approved, orders_declined = rollup_publisher_geo_d.orders_declined + excluded.orders_declined, sales_minor = rollup_publisher_geo_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_publisher_geo_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_publisher_geo_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_publisher_geo_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_publisher_geo_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_publisher_geo_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_full_q (bucket, program_id, publisher_id, link_id, sub1, country, device, source, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 900000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), COALESCE(f.sub1, ''), COALESCE(f.country, ''), COALESCE(f.device, ''), COALESCE(f.traffic_source, ''), '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE TRUE
GROUP BY f.at / 900000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), COALESCE(f.sub1, ''), COALESCE(f.country, ''), COALESCE(f.device, ''), COALESCE(f.traffic_source, '')
ON CONFLICT (publisher_id, bucket, program_id, link_id, sub1, country, device, source, currency) DO UPDATE SET clicks = rollup_full_q.clicks + excluded.clicks, unique_clicks = rollup_full_q.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_full_q.invalid_clicks + excluded.invalid_clicks, orders = rollup_full_q.orders + excluded.orders, orders_approved = rollup_full_q.orders_approved + excluded.orders_approved, orders_declined = rollup_full_q.orders_declined + excluded.orders_declined, sales_minor = rollup_full_q.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_full_q.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_full_q.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_full_q.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_full_q.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_full_q.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_full_q (bucket, program_id, publisher_id, link_id, sub1, country, device, source, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 900000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), COALESCE(f.sub1, ''), COALESCE(f.click_country, ''), COALESCE(f.device, ''), COALESCE(f.traffic_type, ''), f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL
GROUP BY f.at / 900000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), COALESCE(f.sub1, ''), COALESCE(f.click_country, ''), COALESCE(f.device, ''), COALESCE(f.traffic_type, ''), f.payout_currency
ON CONFLICT (publisher_id, bucket, program_id, link_id, sub1, country, device, source, currency) DO UPDATE SET clicks = rollup_full_q.clicks + excluded.clicks, unique_clicks = rollup_full_q.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_full_q.invalid_clicks + excluded.invalid_clicks, orders = rollup_full_q.orders + excluded.orders, orders_approved = rollup_full_q.orders_approved + excluded.orders_approved, orders_declined = rollup_full_q.orders_declined + excluded.orders_declined, sales_minor = rollup_full_q.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_full_q.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_full_q.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_full_q.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_full_q.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_full_q.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_full_d (bucket, program_id, publisher_id, link_id, sub1, country, device, source, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), COALESCE(f.sub1, ''), COALESCE(f.country, ''), COALESCE(f.device, ''), COALESCE(f.traffic_source, ''), '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE TRUE
GROUP BY f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), COALESCE(f.sub1, ''), COALESCE(f.country, ''), COALESCE(f.device, ''), COALESCE(f.traffic_source, '')
ON CONFLICT (publisher_id, bucket, program_id, link_id, sub1, country, device, source, currency) DO UPDATE SET clicks = rollup_full_d.clicks + excluded.clicks, unique_clicks = rollup_full_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_full_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_full_d.orders + excluded.orders, orders_approved = rollup_full_d.orders_approved + excluded.orders_approved, orders_declined = rollup_full_d.orders_declined + excluded.orders_declined, sales_minor = rollup_full_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_full_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_full_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_full_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_full_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_full_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_full_d (bucket, program_id, publisher_id, link_id, sub1, country, device, source, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), COALESCE(f.sub1, ''), COALESCE(f.click_country, ''), COALESCE(f.device, ''), COALESCE(f.traffic_type, ''), f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL
GROUP BY f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), COALESCE(f.sub1, ''), COALESCE(f.click_country, ''), COALESCE(f.device, ''), COALESCE(f.traffic_type, ''), f.payout_currency
ON CONFLICT (publisher_id, bucket, program_id, link_id, sub1, country, device, source, currency) DO UPDATE SET clicks = rollup_full_d.clicks + excluded.clicks, unique_clicks = rollup_full_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_full_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_full_d.orders + excluded.orders, orders_approved = rollup_full_d.orders_approved + excluded.orders_approved, orders_declined = rollup_full_d.orders_declined + excluded.orders_declined, sales_minor = rollup_full_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_full_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_full_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_full_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_full_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_full_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_subs_q (bucket, program_id, publisher_id, link_id, sub2, sub3, sub4, sub5, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 900000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), COALESCE(f.sub2, ''), COALESCE(f.sub3, ''), COALESCE(f.sub4, ''), COALESCE(f.sub5, ''), '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE (COALESCE(f.sub2, '') <> '' OR COALESCE(f.sub3, '') <> '' OR COALESCE(f.sub4, '') <> '' OR COALESCE(f.sub5, '') <> '')
GROUP BY f.at / 900000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), COALESCE(f.sub2, ''), COALESCE(f.sub3, ''), COALESCE(f.sub4, ''), COALESCE(f.sub5, '')
ON CONFLICT (publisher_id, bucket, program_id, link_id, sub2, sub3, sub4, sub5, currency) DO UPDATE SET clicks = rollup_subs_q.clicks + excluded.clicks, unique_clicks = rollup_subs_q.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_subs_q.invalid_clicks + excluded.invalid_clicks, orders = rollup_subs_q.orders + excluded.orders, orders_approved = rollup_subs_q.orders_approved + excluded.orders_approved, orders_declined = rollup_subs_q.orders_declined + excluded.orders_declined, sales_minor = rollup_subs_q.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_subs_q.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_subs_q.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_subs_q.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_subs_q.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_subs_q.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_subs_q (bucket, program_id, publisher_id, link_id, sub2, sub3, sub4, sub5, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 900000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), COALESCE(f.sub2, ''), COALESCE(f.sub3, ''), COALESCE(f.sub4, ''), COALESCE(f.sub5, ''), f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL AND (COALESCE(f.sub2, '') <> '' OR COALESCE(f.sub3, '') <> '' OR COALESCE(f.sub4, '') <> '' OR COALESCE(f.sub5, '') <> '')
GROUP BY f.at / 900000000, f.program_id, f.publisher_id, COALESCE(f.link_id, ''), COALESCE(f.sub2, ''), COALESCE(f.sub3, ''), COALESCE(f.sub4, ''), COALESCE(f.sub5, ''), f.payout_currency
ON CONFLICT (publisher_id, bucket, program_id, link_id, sub2, sub3, sub4, sub5, currency) DO UPDATE SET clicks = rollup_subs_q.clicks + excluded.clicks, unique_clicks = rollup_subs_q.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_subs_q.invalid_clicks + excluded.invalid_clicks, orders = rollup_subs_q.orders + excluded.orders, orders_approved = rollup_subs_q.orders_approved + excluded.orders_approved, orders_declined = rollup_subs_q.orders_declined + excluded.orders_declined, sales_minor = rollup_subs_q.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_subs_q.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_subs_q.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_subs_q.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_subs_q.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_subs_q.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_subs_d (bucket, program_id, publisher_id, sub2, sub3, sub4, sub5, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.sub2, ''), COALESCE(f.sub3, ''), COALESCE(f.sub4, ''), COALESCE(f.sub5, ''), '', CAST(COUNT(*) AS BIGINT), CAST(SUM(f.first_of_day) AS BIGINT), CAST(SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
FROM (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % 86400000000) AND e.at < k.at - (k.at % 86400000000) + 86400000000
        AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
 FROM clicks k) f
WHERE (COALESCE(f.sub2, '') <> '' OR COALESCE(f.sub3, '') <> '' OR COALESCE(f.sub4, '') <> '' OR COALESCE(f.sub5, '') <> '')
GROUP BY f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.sub2, ''), COALESCE(f.sub3, ''), COALESCE(f.sub4, ''), COALESCE(f.sub5, '')
ON CONFLICT (publisher_id, bucket, program_id, sub2, sub3, sub4, sub5, currency) DO UPDATE SET clicks = rollup_subs_d.clicks + excluded.clicks, unique_clicks = rollup_subs_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_subs_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_subs_d.orders + excluded.orders, orders_approved = rollup_subs_d.orders_approved + excluded.orders_approved, orders_declined = rollup_subs_d.orders_declined + excluded.orders_declined, sales_minor = rollup_subs_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_subs_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_subs_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_subs_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_subs_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_subs_d.commission_declined_minor + excluded.commission_declined_minor;
INSERT INTO rollup_subs_d (bucket, program_id, publisher_id, sub2, sub3, sub4, sub5, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, commission_declined_minor)
SELECT f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.sub2, ''), COALESCE(f.sub3, ''), COALESCE(f.sub4, ''), COALESCE(f.sub5, ''), f.payout_currency, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'declined' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.sales_minor) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'pending' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'confirmed' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'payable' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN f.status = 'paid' THEN f.commission_minor ELSE 0 END) AS BIGINT), CAST(SUM(f.declined_minor) AS BIGINT)
FROM orders f
WHERE f.publisher_id IS NOT NULL AND (COALESCE(f.sub2, '') <> '' OR COALESCE(f.sub3, '') <> '' OR COALESCE(f.sub4, '') <> '' OR COALESCE(f.sub5, '') <> '')
GROUP BY f.at / 86400000000, f.program_id, f.publisher_id, COALESCE(f.sub2, ''), COALESCE(f.sub3, ''), COALESCE(f.sub4, ''), COALESCE(f.sub5, ''), f.payout_currency
ON CONFLICT (publisher_id, bucket, program_id, sub2, sub3, sub4, sub5, currency) DO UPDATE SET clicks = rollup_subs_d.clicks + excluded.clicks, unique_clicks = rollup_subs_d.unique_clicks + excluded.unique_clicks, invalid_clicks = rollup_subs_d.invalid_clicks + excluded.invalid_clicks, orders = rollup_subs_d.orders + excluded.orders, orders_approved = rollup_subs_d.orders_approved + excluded.orders_approved, orders_declined = rollup_subs_d.orders_declined + excluded.orders_declined, sales_minor = rollup_subs_d.sales_minor + excluded.sales_minor, commission_pending_minor = rollup_subs_d.commission_pending_minor + excluded.commission_pending_minor, commission_confirmed_minor = rollup_subs_d.commission_confirmed_minor + excluded.commission_confirmed_minor, commission_payable_minor = rollup_subs_d.commission_payable_minor + excluded.commission_payable_minor, commission_paid_minor = rollup_subs_d.commission_paid_minor + excluded.commission_paid_minor, commission_declined_minor = rollup_subs_d.commission_declined_minor + excluded.commission_declined_minor;
-- rollups: end

-- The fraud page lists the last days' invalid clicks by publisher and reason: a partial index holds only those (the
-- redirect pays for it only on an invalid click).
CREATE INDEX clicks_invalid_at ON clicks (at) WHERE invalid_reason IS NOT NULL;
