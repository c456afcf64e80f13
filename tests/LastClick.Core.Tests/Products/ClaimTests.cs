using LastClick.Claims;
using LastClick.Common;
using LastClick.Reports;
using LastClick.Tests.Support;

namespace LastClick.Tests.Catalogs;

/// <summary>Missing-order claims, resolved against the marketplace's order data: accepted (credited with a trace entry) or declined with a reason.</summary>
public sealed class ClaimTests : IClassFixture<PostgresAvailability>
{
    private static ClaimRequest Request(string order = "o1", string date = "2026-02-02", decimal amount = 100m) =>
        new("aliexpress-ww", order, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), amount, "USD", "My visitor bought it through my link; the cookie was blocked.");

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void An_accepted_claim_credits_the_uncredited_order_with_a_trace_entry_the_ledger_and_the_reports(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1");
        // The marketplace reported the order, but no click of the visitor was tracked: nobody is credited.
        var order = h.Order("o1", "2026-02-02T09:00:00Z", "USD", "DE", "no-click-visitor");
        Assert.Null(order.Publisher);
        h.Clock.Set(Build.T("2026-02-05T10:00:00Z"));
        var claim = h.Platform.Claims.File("p1", Request());
        Assert.Equal("open", claim.Status);
        Assert.Empty(h.Platform.Claims.Evidence(claim).Differences);

        var accepted = h.Platform.Claims.Accept(claim.Id, "moderator@program.example", "order log shows the sub id");
        Assert.Equal(("accepted", "moderator@program.example"), (accepted.Status, accepted.DecidedBy));
        var credited = h.Find("o1");
        Assert.Equal(("p1", "pending"), (credited.Publisher, credited.Status));
        // The default category pays 7.2% of 100 USD, and every line's trace starts with the claim.
        Assert.Equal("7.20", credited.Commission);
        Assert.Equal("claim", credited.Lines[0].Trace[0].Rule);
        Assert.Contains($"claim #{claim.Id} accepted by moderator@program.example: order log shows the sub id", credited.Lines[0].Trace[0].Detail, StringComparison.Ordinal);
        Assert.Contains(credited.AttributionTrace, t => t.Contains($"claim #{claim.Id}", StringComparison.Ordinal));
        Assert.Equal(7.20m, h.Balance("p1").Pending);
        // The order is in the publisher's reports now.
        var report = Reports.Reports.Run(h.Platform.Store, new ReportQuery("day", new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 10), TimeZoneInfo.Utc,
            new Dictionary<Dimension, string> { [Dimension.Publisher] = "p1" }, null, "day", 100, 0));
        Assert.Equal(1L, report.Totals.Orders);
        // Its later events move it as any order: received (and past the hold by then), the balance follows.
        h.Event("e1", "goods_received", "2026-02-10T00:00:00Z");
        var balance = h.Balance("p1");
        Assert.True(h.Find("o1").Status is "confirmed" or "payable");
        Assert.Equal((0m, 7.20m), (balance.Pending, balance.Confirmed + balance.Payable));
        // Decided once.
        Assert.Equal("claim", Assert.Throws<ProblemException>(() => h.Platform.Claims.Decline(claim.Id, "x", "other", null)).Problem.Field);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void A_claim_for_an_order_credited_to_another_or_never_reported_cannot_be_accepted_and_is_declined_with_a_reason(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1").Publisher("p2");
        h.Click("c1", "v1", "2026-02-02T08:00:00Z", "p2");
        h.Order("o1", "2026-02-02T09:00:00Z", "USD", "DE", "v1");
        h.Clock.Set(Build.T("2026-02-05T10:00:00Z"));
        var other = h.Platform.Claims.File("p1", Request(amount: 90m));
        var evidence = h.Platform.Claims.Evidence(other);
        Assert.Contains(evidence.Differences, d => d.Contains("credited to p2", StringComparison.Ordinal));
        Assert.Contains(evidence.Differences, d => d.Contains("100.00 USD", StringComparison.Ordinal));
        var before = h.Balance("p2");
        var e = Assert.Throws<ProblemException>(() => h.Platform.Claims.Accept(other.Id, "moderator", null));
        Assert.Equal(("conflict", "order"), (e.Problem.Type, e.Problem.Field));
        Assert.Equal(("p2", before), (h.Find("o1").Publisher, h.Balance("p2")));
        Assert.Equal("open", h.Platform.Claims.Find(other.Id)!.Status);

        var declined = h.Platform.Claims.Decline(other.Id, "moderator", ClaimService.Reasons.CreditedToOther, "another publisher's click came later");
        Assert.Equal(("declined", "credited_to_other", "another publisher's click came later"), (declined.Status, declined.Reason, declined.Note));

        var missing = h.Platform.Claims.File("p1", Request("o-unknown"));
        Assert.Contains("has not reported", Assert.Single(h.Platform.Claims.Evidence(missing).Differences), StringComparison.Ordinal);
        Assert.Equal("order", Assert.Throws<ProblemException>(() => h.Platform.Claims.Accept(missing.Id, "moderator", null)).Problem.Field);
        Assert.Equal("reason", Assert.Throws<ProblemException>(() => h.Platform.Claims.Decline(missing.Id, "moderator", "because", null)).Problem.Field);
        h.Platform.Claims.Decline(missing.Id, "moderator", ClaimService.Reasons.NotReported, null);

        Assert.Equal(["declined", "declined"], h.Platform.Claims.ForPublisher("p1").Select(c => c.Status));
        Assert.Empty(h.Platform.Claims.ForPublisher("p2"));
        Assert.Empty(h.Platform.Claims.ByStatus("open"));
        var audit = h.Platform.Store.Read(s => LastClick.Data.AuditLog.Recent(s, 10, $"claim:{other.Id}"));
        Assert.Equal(["claim.declined", "claim.filed"], audit.Select(a => a.Action));
    }

    [Theory]
    [InlineData("orderId", "", "2026-02-02", 10)]
    [InlineData("orderDate", "o1", "2026-03-01", 10)]
    [InlineData("orderDate", "o1", "2025-06-01", 10)]
    [InlineData("amount", "o1", "2026-02-02", 0)]
    [InlineData("amount", "o1", "2026-02-02", 1.001)]
    public void A_bad_claim_is_named_and_nothing_is_filed(string field, string order, string date, double amount)
    {
        using var h = Harness.Sqlite();
        h.Publisher("p1");
        h.Clock.Set(Build.T("2026-02-05T10:00:00Z"));
        Assert.Equal(field, Assert.Throws<ProblemException>(() => h.Platform.Claims.File("p1", Request(order, date, (decimal)amount))).Problem.Field);
        Assert.Empty(h.Platform.Claims.ForPublisher("p1"));
    }

    [Fact]
    public void One_open_claim_per_order()
    {
        using var h = Harness.Sqlite();
        h.Publisher("p1");
        h.Clock.Set(Build.T("2026-02-05T10:00:00Z"));
        h.Platform.Claims.File("p1", Request());
        Assert.Equal("conflict", Assert.Throws<ProblemException>(() => h.Platform.Claims.File("p1", Request())).Problem.Type);
    }
}
