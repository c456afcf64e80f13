-- Index entries only where a read looks for them. Every order wrote an entry into each of ledger_transfers_into and
-- _out_of (money into and out of every account, of every program and publisher), and every outbox message one into
-- outbox_messages_publisher; each lands where its publisher sorts (after the program and account in the ledger's), on
-- a page of its own, so a group commit of ~45 orders rewrote ~70 of those index pages and ~22 of the outbox's (of ~450
-- pages in all; docs/performance.md, "The pages an order writes"). The read they are for is a payout run's payable
-- balances (to_account = 'payable' / from_account = 'payable', Payouts/PayoutService.cs; the all-publisher balances,
-- which only the replay's output reads, scanned them too and now scan the table), and the postback test's last
-- message (kind = 'postback_test', Notifications/PostbackService.cs). So each is kept for those rows alone: an order's
-- transfer (into 'pending') and its messages write none of them. The columns the read names stay in the keys,
-- constant as they are there, so that SQLite still reads the index alone. On PostgreSQL, DROP INDEX locks the two
-- tables for reads and writes until the migration commits: upgrade in a maintenance window.
DROP INDEX ledger_transfers_into;
DROP INDEX ledger_transfers_out_of;
CREATE INDEX ledger_transfers_into ON ledger_transfers (program_id, to_account, publisher_id, currency, amount_minor) WHERE to_account = 'payable';
CREATE INDEX ledger_transfers_out_of ON ledger_transfers (program_id, from_account, publisher_id, currency, amount_minor) WHERE from_account = 'payable';
DROP INDEX outbox_messages_publisher;
CREATE INDEX outbox_messages_postback_test ON outbox_messages (publisher_id, kind, id) WHERE kind = 'postback_test';
