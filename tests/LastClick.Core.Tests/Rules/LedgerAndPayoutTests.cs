using System.Xml.Linq;
using LastClick.Common;
using LastClick.Ledger;
using LastClick.Lifecycle;
using LastClick.Payouts;
using LastClick.Tests.Support;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Rules;

public sealed class LedgerAndPayoutTests
{
    [Fact]
    public void D1_every_transfer_moves_money_between_two_accounts_so_the_books_sum_to_zero()
    {
        var position = OrderPosition.Empty;
        var all = new List<Transfer>();
        foreach (var (status, amount) in new[] { (OrderStatus.Pending, 10m), (OrderStatus.Pending, 7m), (OrderStatus.Confirmed, 7m), (OrderStatus.Payable, 6.5m), (OrderStatus.Declined, 0m) })
        {
            var (transfers, next) = LedgerRules.Reconcile(position, status, amount, fraud: false);
            all.AddRange(transfers);
            position = next;
        }
        var byAccount = all.SelectMany(t => new[] { (t.From, -t.Amount), (t.To, t.Amount) }).GroupBy(x => x.Item1).ToDictionary(g => g.Key, g => g.Sum(x => x.Item2));
        Assert.Equal(0m, byAccount.Values.Sum());
        Assert.All(all, t => Assert.True(t.Amount > 0m && t.From != t.To));
        Assert.Equal(0m, byAccount[Account.Program]);
        Assert.Equal([EntryKinds.Commission, EntryKinds.Adjustment, EntryKinds.Confirmation, EntryKinds.Release, EntryKinds.Adjustment, EntryKinds.Reversal], all.Select(t => t.Kind));
    }

    [Fact]
    public void D1_balances_are_sums_of_the_transfers()
    {
        using var h = Harness.Sqlite().Publisher();
        h.Click();
        h.Order("o1", lines: Line(price: 300m));
        h.Order("o2", "2026-02-02T10:00:00Z", lines: Line(price: 100m));
        h.Event("e1", "goods_received", "2026-02-05T00:00:00Z", order: "o1");

        var transfers = h.Transfers("p1");
        decimal Sum(string account) => transfers.Where(t => t.To == account).Sum(t => t.Amount) - transfers.Where(t => t.From == account).Sum(t => t.Amount);
        var balance = h.Balance();
        Assert.Equal((Sum("pending"), Sum("confirmed"), Sum("payable"), Sum("paid")), (balance.Pending, balance.Confirmed, balance.Payable, balance.Paid));
        Assert.Equal((7.20m, 21.60m), (balance.Pending, balance.Payable));
    }

    [Fact]
    public void D2_payables_at_or_above_the_threshold_are_paid_others_carry_over_or_are_held()
    {
        var balances = new[]
        {
            new PayableBalance("at", Currency.Of("USD"), 15.00m, true),
            new PayableBalance("below", Currency.Of("USD"), 14.99m, true),
            new PayableBalance("nodetails", Currency.Of("USD"), 200m, false),
            new PayableBalance("negative", Currency.Of("USD"), -3m, true),
        };
        var plan = PayoutPlanner.Plan(balances, Ww).ToDictionary(l => l.PublisherId);

        Assert.Equal(("paid", null), (plan["at"].Status, plan["at"].Reason));
        Assert.Equal(("carried_over", "below_threshold"), (plan["below"].Status, plan["below"].Reason));
        Assert.Equal(("held", "payout_details_missing"), (plan["nodetails"].Status, plan["nodetails"].Reason));
        Assert.Equal(("carried_over", "negative_balance"), (plan["negative"].Status, plan["negative"].Reason));
    }

    [Fact]
    public void D2_default_thresholds_are_15_usd_for_global_and_1000_rub_for_cis()
    {
        Assert.Equal(15.00m, PayoutPlanner.Threshold(Ww, Currency.Of("USD")));
        Assert.Equal(1000.00m, PayoutPlanner.Threshold(Cis, Currency.Of("RUB")));
        Assert.Equal(("weekly", DayOfWeek.Friday), (Ww.Payout.Schedule, Ww.Payout.Weekday));
    }

    [Fact]
    public void D2_a_balance_below_the_threshold_carries_over_to_a_later_run_and_rerunning_a_run_changes_nothing()
    {
        using var h = Harness.Sqlite().Publisher().Publisher("p2", payoutDetails: false);
        h.Click();
        h.Click("c2", "v2", publisher: "p2");
        h.Order("o1", lines: Line(price: 100m)); // 7.20
        h.Order("o9", visitor: "v2", lines: Line(price: 1000m)); // 38.00 capped, no payout details
        h.Event("e1", "goods_received", "2026-02-03T00:00:00Z");
        h.Event("e9", "goods_received", "2026-02-03T00:00:00Z", order: "o9");

        var first = h.Payout("2026-02-06T00:00:00Z");
        Assert.Equal(("carried_over", "below_threshold", "7.20"), first.Single(l => l.PublisherId == "p1") is var a ? (a.Status, a.Reason, a.Amount) : default);
        Assert.Equal(("held", "payout_details_missing"), first.Single(l => l.PublisherId == "p2") is var b ? (b.Status, b.Reason) : default);

        h.Click("c3", at: "2026-02-08T00:00:00Z");
        h.Order("o2", "2026-02-08T01:00:00Z", lines: Line(price: 200m)); // 14.40 → 21.60 payable
        h.Event("e2", "goods_received", "2026-02-09T00:00:00Z", order: "o2");
        var second = h.Payout("2026-02-13T00:00:00Z");
        Assert.Equal(("paid", "21.60"), second.Single(l => l.PublisherId == "p1") is var c ? (c.Status, c.Amount) : default);

        var transfers = h.Transfers().Count;
        var again = h.Payout("2026-02-13T00:00:00Z");
        Assert.Equal(second, again);
        Assert.Equal(transfers, h.Transfers().Count);
        Assert.Equal(21.60m, h.Balance().Paid);
        Assert.Equal(38.00m, h.Balance("p2").Payable);
    }

    private static readonly BankDetails Anna = new("Anna Müller, Blog \"Gadgets\"", "DE89370400440532013000", "COBADEFFXXX", "DE");
    private static readonly BankDetails Jean = new("Jean Dupont", "FR1420041010050500013M02606", "PSSTFRPPXXX", "FR");

    [Fact]
    public void D3_a_payout_run_produces_a_bank_csv_with_only_the_paid_lines()
    {
        var lines = new[]
        {
            (new PayoutLine("p1", Currency.Of("EUR"), 120.50m, PayoutDecision.Paid), Anna),
            (new PayoutLine("p2", Currency.Of("EUR"), 9.00m, PayoutDecision.BelowThreshold), Jean),
        };
        var csv = BankFiles.Csv("run-1", T("2026-02-13T00:00:00Z"), lines).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2, csv.Length);
        Assert.StartsWith("run_id,executed_at,publisher_id,beneficiary_name,iban", csv[0], StringComparison.Ordinal);
        Assert.Equal("run-1,2026-02-13T00:00:00Z,p1,\"Anna Müller, Blog \"\"Gadgets\"\"\",DE89370400440532013000,COBADEFFXXX,DE,EUR,120.50,LastClick run-1 p1", csv[1]);
    }

    [Fact]
    public void D3_a_sepa_credit_transfer_file_is_valid_pain_001_with_control_sums()
    {
        var lines = new[]
        {
            (new PayoutLine("p1", Currency.Of("EUR"), 120.50m, PayoutDecision.Paid), Anna),
            (new PayoutLine("p2", Currency.Of("EUR"), 30.00m, PayoutDecision.Paid), Jean),
            (new PayoutLine("p3", Currency.Of("USD"), 99.00m, PayoutDecision.Paid), Jean),
        };
        var xml = XDocument.Parse(BankFiles.SepaXml("run-1", T("2026-02-13T00:00:00Z"), "Marketplace Ltd", "DE02120300000000202051", "BYLADEM1001", lines));
        XNamespace ns = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";

        Assert.Equal("2", xml.Descendants(ns + "GrpHdr").Single().Element(ns + "NbOfTxs")!.Value);
        Assert.Equal("150.50", xml.Descendants(ns + "GrpHdr").Single().Element(ns + "CtrlSum")!.Value);
        var amounts = xml.Descendants(ns + "InstdAmt").Select(a => (a.Attribute("Ccy")!.Value, a.Value)).ToList();
        Assert.Equal([("EUR", "120.50"), ("EUR", "30.00")], amounts);
        Assert.All(xml.Descendants(ns + "IBAN").Select(i => i.Value), iban => Assert.True(BankFiles.IsValidIban(iban), iban));
    }

    [Theory]
    [InlineData("DE89370400440532013000", true)]
    [InlineData("DE89 3704 0044 0532 0130 00", true)]
    [InlineData("FR1420041010050500013M02606", true)]
    [InlineData("DE89370400440532013001", false)]
    [InlineData("XX", false)]
    public void D3_iban_check_digits_are_verified(string iban, bool valid)
    {
        Assert.Equal(valid, BankFiles.IsValidIban(iban));
    }
}
