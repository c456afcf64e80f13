-- B13's tiers read a publisher's confirmed sales of the previous calendar month (UTC) in a program. Summing the
-- orders for it on every order cost a big publisher's whole previous month (100,000 orders: ~30 ms a new order, the
-- writer held all the while). A row here is that sum for one publisher, program and month (months since 1970-01, of
-- the order's time): sales_minor of its orders that are confirmed, payable or paid. Every change of an order writes
-- the difference in the same transaction (Orders/Turnover.cs); the orders already stored are summed in below.
CREATE TABLE publisher_turnover (
    publisher_id  TEXT NOT NULL,
    program_id    TEXT NOT NULL,
    month         BIGINT NOT NULL,
    sales_minor   BIGINT NOT NULL,
    PRIMARY KEY (publisher_id, program_id, month)
) WITHOUT ROWID;
INSERT INTO publisher_turnover (publisher_id, program_id, month, sales_minor)
SELECT publisher_id, program_id,
       (CAST(strftime('%Y', at / 1000000, 'unixepoch') AS INTEGER) - 1970) * 12 + CAST(strftime('%m', at / 1000000, 'unixepoch') AS INTEGER) - 1,
       SUM(sales_minor)
FROM orders
WHERE publisher_id IS NOT NULL AND status IN ('confirmed', 'payable', 'paid')
GROUP BY 1, 2, 3;
