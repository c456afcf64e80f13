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
    public void D2_payables_at_or_above_the_threshold_are_paid_others_carry_over_or_are_held_with_the_reason()
    {
        var wire = PayoutDetailsRules.ReplayWire("x");
        var sepa = PayoutDetailsRules.Validate(new Publishers.PayoutDetails("sepa", "Anna", "DE89370400440532013000", null, null));
        var at = T("2026-02-13T09:00:00Z");
        var usd = Currency.Of("USD");
        var balances = new[]
        {
            new PayableBalance("at", usd, 15.00m, wire),
            new PayableBalance("below", usd, 14.99m, wire),
            new PayableBalance("nodetails", usd, 200m),
            new PayableBalance("incomplete", usd, 200m, wire with { BankAddress = null }),
            new PayableBalance("negative", usd, -3m, wire),
            new PayableBalance("changed", usd, 50m, wire, HeldUntil: at.AddHours(1)),
            new PayableBalance("hold_over", usd, 50m, wire, HeldUntil: at),
            new PayableBalance("sepa", usd, 20m, sepa),
        };
        var plan = PayoutPlanner.Plan(balances, Ww, at).ToDictionary(l => l.PublisherId);

        Assert.Equal(("paid", null), (plan["at"].Status, plan["at"].Reason));
        Assert.Equal(("carried_over", "below_threshold"), (plan["below"].Status, plan["below"].Reason));
        Assert.Equal(("held", "payout_details_missing"), (plan["nodetails"].Status, plan["nodetails"].Reason));
        Assert.Equal(("held", "payout_details_missing"), (plan["incomplete"].Status, plan["incomplete"].Reason));
        Assert.Equal(("carried_over", "negative_balance"), (plan["negative"].Status, plan["negative"].Reason));
        Assert.Equal(("held", "payout_details_changed"), (plan["changed"].Status, plan["changed"].Reason));
        Assert.Equal(("paid", null), (plan["hold_over"].Status, plan["hold_over"].Reason));
        // SEPA pays EUR: converted once at the program's internal rate of the run date.
        var rate = Ww.InternalRatesAt(at).Rate("USD", "EUR");
        Assert.Equal(("paid", "EUR", Math.Round(20m * rate, 2, MidpointRounding.AwayFromZero), rate),
            (plan["sepa"].Status, plan["sepa"].PayCurrency!.Code, plan["sepa"].PayAmount, plan["sepa"].FxRate));
        // The RU&CIS program pays by wire only.
        Assert.Equal(("held", "payout_method_not_offered"),
            PayoutPlanner.Decide(new PayableBalance("s", Currency.Of("RUB"), 5000m, sepa), Cis, at) is var c ? (c.Status, c.Reason) : default);
    }

    [Fact]
    public void D2_default_thresholds_are_15_usd_for_global_and_1000_rub_for_cis()
    {
        Assert.Equal(15.00m, PayoutPlanner.Threshold(Ww, Currency.Of("USD")));
        // A balance left in EUR (a returned SEPA payment) meets the USD threshold converted at the run date's rate.
        Assert.Equal(Math.Round(15m * Ww.InternalRatesAt(T("2026-02-13T00:00:00Z")).Rate("USD", "EUR"), 2, MidpointRounding.AwayFromZero), PayoutPlanner.Threshold(Ww, Currency.Of("EUR"), T("2026-02-13T00:00:00Z")));
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

    [Theory]
    [InlineData("DE89370400440532013000", true)]
    [InlineData("DE89 3704 0044 0532 0130 00", true)]
    [InlineData("de89370400440532013000", true)]
    [InlineData("FR1420041010050500013M02606", true)]
    [InlineData("GB29NWBK60161331926819", true)]
    [InlineData("NO9386011117947", true)] // the shortest (15)
    [InlineData("MT84MALT011000012345MTLCAST001S", true)]
    [InlineData("DE89370400440532013001", false)] // check digits
    [InlineData("DE99370400441000000087", false)] // mod-97 holds, but 99 is never issued
    [InlineData("DE00370400441000000026", false)] // nor 00 (nor 01)
    [InlineData("DE8937040044053201300", false)] // one short for DE
    [InlineData("DE893704004405320130000", false)] // one long for DE
    [InlineData("XX89370400440532013000", false)] // no such country
    [InlineData("DEAB370400440532013000", false)]
    [InlineData("DE89-3704-0044-0532-0130-00", true)]
    [InlineData("DE89_3704004405320130", false)]
    [InlineData("XX", false)]
    [InlineData("", false)]
    public void D3_iban_country_length_and_check_digits_are_verified(string iban, bool valid)
    {
        Assert.Equal(valid, PayoutDetailsRules.IsValidIban(iban));
    }

    [Theory]
    [InlineData("COBADEFFXXX", true)]
    [InlineData("COBADEFF", true)]
    [InlineData("DEUTDEFF500", true)]
    [InlineData("cobadeffxxx", false)] // the schema's pattern is upper case; the rules upper-case input first
    [InlineData("COBADEF", false)]
    [InlineData("COBADEFFXX", false)]
    [InlineData("C0BADEFFXXX", false)] // a digit in the bank code
    [InlineData("COBADE1FXXX", false)] // location's first character 1 is not allowed
    [InlineData("COBADEFOXXX", false)] // location's second character O is not allowed (test BICs use 0)
    public void D3_bic_format_is_the_iso_9362_pattern(string bic, bool valid)
    {
        Assert.Equal(valid, PayoutDetailsRules.IsValidBic(bic));
    }
}
