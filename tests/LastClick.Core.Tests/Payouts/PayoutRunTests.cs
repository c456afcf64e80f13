using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using LastClick.Common;
using LastClick.Payouts;
using LastClick.Programs;
using LastClick.Tests.Support;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Payouts;

/// <summary>D2, D3: payout runs planned → approved → exported → settled, bank files, statements, adjustments; on both stores.</summary>
public sealed class PayoutRunTests(Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PostgresAvailability>
{
    private static readonly XNamespace Pain = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";
    private const string Week1 = "2026-02-13T09:00:00Z";
    private const string Week2 = "2026-02-20T09:00:00Z";

    public static TheoryData<string> Stores => TestStores.Providers;

    /// <summary>
    /// sepa: 21.60 USD payable, paid in EUR by SEPA; wire: 36.00 USD by wire; small: 7.20 (below the 15 USD threshold);
    /// nodetails: 21.60 held for details.
    /// </summary>
    private static Harness? Setup(string provider, ProgramDefinition? program = null)
    {
        var h = Harness.Create(provider, program is null ? [] : [program]);
        if (h is null) return null;
        h.Publisher("sepa").Sepa("sepa").Publisher("wire").Publisher("small").Publisher("nodetails", payoutDetails: false);
        foreach (var (publisher, price, i) in new[] { ("sepa", 300m, 1), ("wire", 500m, 2), ("small", 100m, 3), ("nodetails", 300m, 4) })
        {
            h.Click($"c{i}", $"v{i}", at: "2026-02-01T10:00:00Z", publisher: publisher);
            h.Order($"o{i}", "2026-02-02T09:00:00Z", visitor: $"v{i}", lines: Line(price: price));
            h.Event($"e{i}", "goods_received", "2026-02-05T00:00:00Z", order: $"o{i}");
        }
        h.Clock.Set(T(Week1));
        h.Platform.Payouts.Debtor = new DebtorAccount("Marketplace Ltd", "DE02120300000000202051", "BYLADEM1001");
        return h;
    }

    private static decimal EurRate => Ww.InternalRatesAt(T(Week1)).Rate("USD", "EUR");

    [Theory]
    [MemberData(nameof(Stores))]
    public void D2_a_run_is_planned_approved_exported_and_settled_each_step_audited_and_money_moves_only_at_export(string provider)
    {
        using var h = Setup(provider);
        if (h is null) return;
        var payouts = h.Platform.Payouts;

        var planned = payouts.Plan("aliexpress-ww", T(Week1), "alice");
        Assert.Equal(RunStatus.Planned, planned.Status);
        var lines = planned.Lines.ToDictionary(l => l.Publisher);
        Assert.Equal(("due", "21.60", "EUR", Math.Round(21.60m * EurRate, 2, MidpointRounding.AwayFromZero).ToString("F2", CultureInfo.InvariantCulture)),
            (lines["sepa"].Status, lines["sepa"].Amount, lines["sepa"].PayCurrency, lines["sepa"].PayAmount));
        Assert.Equal(("due", "36.00", "USD"), (lines["wire"].Status, lines["wire"].Amount, lines["wire"].PayCurrency));
        Assert.Equal(("carried_over", "below_threshold"), (lines["small"].Status, lines["small"].Reason));
        Assert.Equal(("held", "payout_details_missing"), (lines["nodetails"].Status, lines["nodetails"].Reason));
        Assert.Equal(0m, h.Balance("sepa").Paid);
        Assert.Equal(21.60m, h.Balance("sepa").Payable);
        Assert.Throws<ProblemException>(() => payouts.Export(planned.Id, "alice"));

        var approved = payouts.Approve(planned.Id, "alice");
        Assert.Equal((RunStatus.Approved, "alice"), (approved.Status, approved.ApprovedBy));
        Assert.Equal(0m, h.Balance("wire").Paid);

        var exported = payouts.Export(planned.Id, "bob");
        Assert.Equal((RunStatus.Exported, "bob"), (exported.Status, exported.ExportedBy));
        Assert.Equal(["sepa.xml", "wire.csv"], exported.Files);
        var eur = Math.Round(21.60m * EurRate, 2, MidpointRounding.AwayFromZero);
        Assert.Equal((0m, 0m), (h.Balance("sepa").Payable, h.Balance("sepa").Paid));
        Assert.Equal((0m, eur), (h.Balance("sepa", "EUR").Payable, h.Balance("sepa", "EUR").Paid));
        Assert.Equal((0m, 36.00m), (h.Balance("wire").Payable, h.Balance("wire").Paid));
        Assert.Equal(7.20m, h.Balance("small").Payable);
        Assert.Equal(21.60m, h.Balance("nodetails").Payable);
        // The conversion is a pair of transfers against the program, one per currency.
        var conversion = h.Transfers("sepa").Where(t => t.Kind == "fx_conversion").Select(t => (t.Currency, t.From, t.To, t.Amount)).ToList();
        Assert.Equal([("USD", "payable", "program", 21.60m), ("EUR", "program", "payable", eur)], conversion);
        Assert.Equal("paid", h.Find("o1").Status);

        payouts.Settle(planned.Id, "sepa", "bob");
        Assert.Equal(RunStatus.Exported, payouts.Get(planned.Id)!.Status);
        var settled = payouts.Settle(planned.Id, "wire", "bob");
        Assert.Equal(RunStatus.Settled, settled.Status);
        Assert.Equal(["settled", "settled"], settled.Lines.Where(l => l.Publisher is "sepa" or "wire").Select(l => l.Status));

        var audit = h.Platform.Store.Read(s => LastClick.Data.AuditLog.Recent(s, 50, $"payout_run:{planned.Id}")).Select(a => (a.Action, a.Actor)).Reverse().ToList();
        Assert.Equal([("payout.planned", "alice"), ("payout.approved", "alice"), ("payout.exported", "bob"), ("payout.line_settled", "bob"), ("payout.line_settled", "bob")], audit);
        var messages = h.Platform.Store.Read(s => LastClick.Data.Outbox.Read(s)).Select(m => m.Kind).Where(k => k.StartsWith("payout_", StringComparison.Ordinal) && k != "payout_details_changed").ToList();
        Assert.Equal(["payout_planned", "payout_approved", "payout_exported", "payout_exported"], messages);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void D3_the_sepa_file_is_valid_pain_001_with_exact_control_sums_and_downloads_as_the_same_bytes(string provider)
    {
        using var h = Setup(provider);
        if (h is null) return;
        h.Publisher("sepa2", payoutDetails: false).Sepa("sepa2", "FR1420041010050500013M02606", bic: null);
        h.Platform.Payouts.Adjust("aliexpress-ww", "sepa2", "USD", 100.01m, "bonus", "launch bonus", null, "alice");
        var run = PlanApproveExport(h);

        var (xml, media, _) = h.Platform.Payouts.File(run, "sepa.xml")!.Value;
        Assert.Equal("application/xml", media);
        Assert.Empty(ValidateAgainstSchema(xml, output));
        var doc = XDocument.Load(new MemoryStream(xml));
        var amounts = doc.Descendants(Pain + "InstdAmt").Select(a => decimal.Parse(a.Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, amounts.Count);
        Assert.All(doc.Descendants(Pain + "InstdAmt"), a => Assert.Equal("EUR", a.Attribute("Ccy")!.Value));
        foreach (var header in new[] { doc.Descendants(Pain + "GrpHdr").Single(), doc.Descendants(Pain + "PmtInf").Single() })
        {
            Assert.Equal(amounts.Sum(), decimal.Parse(header.Element(Pain + "CtrlSum")!.Value, CultureInfo.InvariantCulture));
            Assert.Equal("2", header.Element(Pain + "NbOfTxs")!.Value);
        }
        var paid = h.Platform.Payouts.Get(run)!.Lines.Where(l => l.Method == "sepa").Sum(l => decimal.Parse(l.PayAmount!, CultureInfo.InvariantCulture));
        Assert.Equal(paid, amounts.Sum());
        Assert.Equal(run, doc.Descendants(Pain + "MsgId").Single().Value);
        var remittances = doc.Descendants(Pain + "Ustrd").Select(u => u.Value).ToList();
        Assert.Contains(remittances, r => r.Contains(run, StringComparison.Ordinal) && r.Contains("sepa2", StringComparison.Ordinal));
        var ids = doc.Descendants(Pain + "EndToEndId").Select(e => e.Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // Without a BIC the creditor's agent is left out (IBAN-only); the debtor's stays.
        Assert.Single(doc.Descendants(Pain + "CdtrAgt"));

        Assert.Equal(xml, h.Platform.Payouts.File(run, "sepa.xml")!.Value.Content);
        h.Platform.Payouts.Export(run, "carol"); // again: nothing new
        Assert.Equal(xml, h.Platform.Payouts.File(run, "sepa.xml")!.Value.Content);

        var wire = Encoding.UTF8.GetString(h.Platform.Payouts.File(run, "wire.csv")!.Value.Content).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, wire.Length);
        Assert.StartsWith("run_id,reference,execution_date,publisher_id,beneficiary_name", wire[0], StringComparison.Ordinal);
        Assert.Contains(",wire,", wire[1], StringComparison.Ordinal);
        Assert.Contains(",USD,36.00,", wire[1], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void D3_a_crash_between_any_two_steps_of_an_export_then_a_resume_pays_everyone_exactly_once(string provider)
    {
        string[] steps = ["checked", "paid:sepa", "paid:wire", "files", "exported"];
        var reference = Outcome(provider, crashAt: null);
        if (reference is null) return;
        foreach (var step in steps)
        {
            Assert.Equal(reference, Outcome(provider, step));
        }

        static string? Outcome(string provider, string? crashAt)
        {
            using var h = Setup(provider);
            if (h is null) return null;
            var runId = h.Platform.Payouts.Plan("aliexpress-ww", T(Week1), "alice").Id;
            h.Platform.Payouts.Approve(runId, "alice");
            if (crashAt is not null)
            {
                var crashed = false;
                h.Platform.Payouts.AfterExportStep = s =>
                {
                    if (s == crashAt) { crashed = true; throw new IOException($"killed at {s}"); }
                };
                Assert.Throws<IOException>(() => h.Platform.Payouts.Export(runId, "bob"));
                Assert.True(crashed, crashAt);
                // Nothing of the export survived the crash.
                Assert.Equal(RunStatus.Approved, h.Platform.Payouts.Get(runId)!.Status);
                Assert.DoesNotContain(h.Transfers(), t => t.PayoutRun == runId);
                h.Platform.Payouts.AfterExportStep = null;
            }
            h.Platform.Payouts.Export(runId, "bob");
            h.Platform.Payouts.Export(runId, "bob");
            var run = h.Platform.Payouts.Get(runId)!;
            Assert.Empty(ValidateAgainstSchema(h.Platform.Payouts.File(runId, "sepa.xml")!.Value.Content));
            var transfers = h.Transfers().Where(t => t.PayoutRun == runId).Select(t => $"{t.Publisher} {t.Kind} {t.Currency} {t.Amount}");
            var balances = h.Platform.Ledger.Balances().Select(b => $"{b.Publisher} {b.Currency} {b.Payable} {b.Paid}");
            return string.Join("|", run.Lines.Select(l => $"{l.Publisher} {l.Status} {l.Amount} {l.PayAmount}").Concat(transfers).Concat(balances).Concat(run.Files));
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void D3_the_store_refuses_a_second_payout_of_a_line_in_the_same_run(string provider)
    {
        using var h = Setup(provider);
        if (h is null) return;
        var run = PlanApproveExport(h);
        var again = Record.Exception(() => h.Platform.Store.InSession(s => s.Execute("""
            INSERT INTO ledger_transfers (program_id, publisher_id, currency, payout_run_id, payout_line, kind, from_account, to_account, amount_minor, at)
            VALUES ('aliexpress-ww', 'wire', 'USD', @run, 'USD', 'payout', 'payable', 'paid', 3600, 1)
            """, new { run })));
        Assert.NotNull(again);
        Assert.Equal(36.00m, h.Balance("wire").Paid);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void D3_two_runs_of_a_program_exported_at_once_pay_each_balance_once(string provider)
    {
        using var h = Setup(provider);
        if (h is null) return;
        // Two open runs: the schedule's and one an operator planned half a minute earlier.
        var a = h.Platform.Payouts.Plan("aliexpress-ww", T(Week1), "schedule").Id;
        var b = h.Platform.Payouts.Plan("aliexpress-ww", T(Week1).AddSeconds(-30), "alice").Id;
        h.Platform.Payouts.Approve(a, "alice");
        h.Platform.Payouts.Approve(b, "alice");
        // Each export dawdles after reading the balances: without one lock per program both would pay them.
        h.Platform.Payouts.AfterExportStep = step =>
        {
            if (step == "checked") Thread.Sleep(300);
        };
        Parallel.Invoke(() => h.Platform.Payouts.Export(a, "bob"), () => h.Platform.Payouts.Export(b, "carol"));

        Assert.Equal((0m, 36.00m), (h.Balance("wire").Payable, h.Balance("wire").Paid));
        Assert.Equal(Math.Round(21.60m * EurRate, 2, MidpointRounding.AwayFromZero), h.Balance("sepa", "EUR").Paid);
        var paidLines = new[] { a, b }.SelectMany(r => h.Platform.Payouts.Get(r)!.Lines).Count(l => l.Status == LineStatus.Paid);
        Assert.Equal(2, paidLines); // sepa and wire, once each, in one run or the other
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void D2_four_eyes_needs_a_second_admin_before_the_export(string provider)
    {
        using var h = Setup(provider, Ww with { Payout = Ww.Payout with { FourEyes = true } });
        if (h is null) return;
        var run = h.Platform.Payouts.Plan("aliexpress-ww", T(Week1), "alice").Id;

        var first = h.Platform.Payouts.Approve(run, "alice");
        Assert.Equal((RunStatus.Planned, true), (first.Status, first.AwaitingSecondApproval));
        var same = Assert.Throws<ProblemException>(() => h.Platform.Payouts.Approve(run, "alice"));
        Assert.Equal("conflict", same.Problem.Type);
        var early = Assert.Throws<ProblemException>(() => h.Platform.Payouts.Export(run, "alice"));
        Assert.Contains("second", early.Problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0m, h.Balance("wire").Paid);

        var second = h.Platform.Payouts.Approve(run, "bob");
        Assert.Equal((RunStatus.Approved, "alice", "bob"), (second.Status, second.ApprovedBy, second.SecondApprovedBy));
        h.Platform.Payouts.Export(run, "alice");
        Assert.Equal(36.00m, h.Balance("wire").Paid);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void D3_a_returned_payment_goes_back_to_payable_and_is_paid_by_the_next_run(string provider)
    {
        using var h = Setup(provider);
        if (h is null) return;
        var run = PlanApproveExport(h);
        var eur = h.Balance("sepa", "EUR").Paid;
        Assert.True(eur > 0m);

        var returned = h.Platform.Payouts.Return(run, "sepa", "AC04 account closed", "bob");
        var line = returned.Lines.Single(l => l.Publisher == "sepa");
        Assert.Equal(("returned", "AC04 account closed"), (line.Status, line.ReturnReason));
        Assert.Equal((eur, 0m), (h.Balance("sepa", "EUR").Payable, h.Balance("sepa", "EUR").Paid));
        h.Platform.Payouts.Return(run, "sepa", "AC04 account closed", "bob"); // the bank's file read twice
        Assert.Equal(eur, h.Balance("sepa", "EUR").Payable);
        Assert.Contains(h.Platform.Store.Read(s => LastClick.Data.Outbox.Read(s, "sepa")), m => m.Kind == "payout_returned");
        h.Platform.Payouts.Settle(run, "wire", "bob");
        Assert.Equal(RunStatus.Settled, h.Platform.Payouts.Get(run)!.Status);

        // The publisher gives a new account; the first run after the 48-hour hold pays the EUR balance as it is.
        h.Clock.Set(T("2026-02-14T09:00:00Z"));
        Assert.Equal(T("2026-02-16T09:00:00Z"), h.Platform.Payouts.SetDetails("sepa", new Publishers.PayoutDetails("sepa", "Holder sepa", "FR1420041010050500013M02606", "PSSTFRPPXXX", null), "sepa"));
        h.Clock.Set(T(Week2));
        var next = h.Platform.Payouts.Plan("aliexpress-ww", T(Week2), "alice");
        var again = next.Lines.Single(l => l.Publisher == "sepa" && l.Currency == "EUR");
        Assert.Equal(("due", "EUR", eur.ToString("F2", CultureInfo.InvariantCulture), null), (again.Status, again.PayCurrency, again.PayAmount, again.FxRate));
        h.Platform.Payouts.Approve(next.Id, "alice");
        h.Platform.Payouts.Export(next.Id, "alice");
        Assert.Equal((0m, eur), (h.Balance("sepa", "EUR").Payable, h.Balance("sepa", "EUR").Paid));
        var doc = XDocument.Load(new MemoryStream(h.Platform.Payouts.File(next.Id, "sepa.xml")!.Value.Content));
        Assert.Equal("FR1420041010050500013M02606", doc.Descendants(Pain + "CdtrAcct").Single().Descendants(Pain + "IBAN").Single().Value);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void D3_a_publisher_with_two_lines_in_a_run_settles_and_returns_each_by_its_currency(string provider)
    {
        using var h = Setup(provider);
        if (h is null) return;
        var first = PlanApproveExport(h);
        h.Platform.Payouts.Return(first, "sepa", "AC04", "bob"); // an EUR balance of 18.47 is left in the USD program
        h.Platform.Payouts.Adjust("aliexpress-ww", "sepa", "USD", 20m, "bonus", null, null, "alice");
        h.Clock.Set(T(Week2));
        var run = PlanApproveExport(h);
        var lines = h.Platform.Payouts.Get(run)!.Lines.Where(l => l.Publisher == "sepa").ToList();
        Assert.Equal([("EUR", "paid"), ("USD", "paid")], lines.Select(l => (l.Currency, l.Status)));
        var paid = h.Balance("sepa", "EUR").Paid;

        Assert.Equal("currency", Assert.Throws<ProblemException>(() => h.Platform.Payouts.Return(run, "sepa", "AC04", "bob")).Problem.Field);
        Assert.Equal("currency", Assert.Throws<ProblemException>(() => h.Platform.Payouts.Settle(run, "sepa", "bob")).Problem.Field);
        var returned = h.Platform.Payouts.Return(run, "sepa", "AC04", "bob", currency: "USD");
        var usdLine = returned.Lines.Single(l => l.Publisher == "sepa" && l.Currency == "USD");
        Assert.Equal([("EUR", "paid"), ("USD", "returned")], returned.Lines.Where(l => l.Publisher == "sepa").Select(l => (l.Currency, l.Status)));
        Assert.Equal((decimal.Parse(usdLine.PayAmount!, CultureInfo.InvariantCulture), paid - decimal.Parse(usdLine.PayAmount!, CultureInfo.InvariantCulture)),
            (h.Balance("sepa", "EUR").Payable, h.Balance("sepa", "EUR").Paid));
        Assert.Equal("settled", h.Platform.Payouts.Settle(run, "sepa", "bob", currency: "EUR").Lines.Single(l => l.Publisher == "sepa" && l.Currency == "EUR").Status);
    }

    [Fact]
    public void D3_text_a_bank_file_cannot_carry_is_refused_and_sepa_text_is_in_the_epc_character_set()
    {
        using var h = Setup(TestStores.Sqlite)!;
        foreach (var holder in new[] { "Evil \uFFFE Corp", "Bell\u0007", "Smile \U0001F600" })
        {
            var e = Assert.Throws<ProblemException>(() => h.Platform.Payouts.SetDetails("wire", PayoutDetailsRules.ReplayWire("wire") with { AccountHolder = holder }, "wire"));
            Assert.Equal("holder", e.Problem.Field);
        }
        Assert.Equal("Anna Muller-Co + Sons", BankFiles.SepaText("Анна Müller_Co & Sons"));
        Assert.Equal("Strasse 5, Lodz. Zhukov", BankFiles.SepaText("Straße 5, Łódź; Жуков"));
        Assert.Equal("Aristotelis", BankFiles.SepaText("Αριστοτέλης"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void D3_details_changed_after_the_first_hold_the_payout_for_48_hours_and_a_change_after_planning_holds_the_line_at_export(string provider)
    {
        using var h = Setup(provider);
        if (h is null) return;
        // Changed a day before the run: held with the reason, the money stays payable.
        h.Clock.Set(T("2026-02-12T09:00:00Z"));
        var until = h.Platform.Payouts.SetDetails("wire", PayoutDetailsRules.ReplayWire("wire") with { Account = "GB29NWBK60161331926819" }, "wire");
        Assert.Equal(T("2026-02-14T09:00:00Z"), until);
        h.Clock.Set(T(Week1));
        var plan = h.Platform.Payouts.Plan("aliexpress-ww", T(Week1), "alice");
        Assert.Equal(("held", "payout_details_changed"), plan.Lines.Single(l => l.Publisher == "wire") is var w ? (w.Status, w.Reason) : default);
        Assert.Contains(h.Platform.Store.Read(s => LastClick.Data.Outbox.Read(s, "wire", "payout_details_changed")), m => m.Payload.Contains("heldUntil", StringComparison.Ordinal));

        // The IBAN of the SEPA publisher changes after the plan: the export holds its line instead of paying the old account.
        h.Platform.Payouts.Approve(plan.Id, "alice");
        h.Platform.Payouts.SetDetails("sepa", new Publishers.PayoutDetails("sepa", "Holder sepa", "GB29NWBK60161331926819", null, null), "attacker");
        var exported = h.Platform.Payouts.Export(plan.Id, "alice");
        Assert.Equal(("held", "payout_details_changed"), exported.Lines.Single(l => l.Publisher == "sepa") is var s ? (s.Status, s.Reason) : default);
        Assert.Equal(21.60m, h.Balance("sepa").Payable);
        Assert.Null(h.Platform.Payouts.File(plan.Id, "sepa.xml"));
        Assert.Equal(RunStatus.Settled, exported.Status); // nothing was sent to a bank
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void D2_a_run_pays_no_more_than_was_approved_and_what_became_payable_since_waits(string provider)
    {
        using var h = Setup(provider);
        if (h is null) return;
        var run = h.Platform.Payouts.Plan("aliexpress-ww", T(Week1), "alice").Id;
        h.Platform.Payouts.Approve(run, "alice");
        h.Click("c9", "v9", at: "2026-02-13T09:10:00Z", publisher: "wire");
        h.Order("o9", "2026-02-13T09:20:00Z", visitor: "v9", lines: Line(price: 100m));
        h.Event("e9", "goods_received", "2026-02-13T09:30:00Z", order: "o9");
        Assert.Equal(43.20m, h.Balance("wire").Payable);

        h.Platform.Payouts.Export(run, "alice");
        Assert.Equal((7.20m, 36.00m), (h.Balance("wire").Payable, h.Balance("wire").Paid));
        Assert.Equal("payable", h.Find("o9").Status);
        Assert.Equal("paid", h.Find("o2").Status);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void D3_manual_adjustments_are_ledger_transfers_with_a_reason_audited_and_harmless_to_retry(string provider)
    {
        using var h = Setup(provider);
        if (h is null) return;
        var credit = h.Platform.Payouts.Adjust("aliexpress-ww", "small", null, 10.00m, "bonus", "top seller in January", "jan-bonus", "alice");
        Assert.Equal(("USD", "10.00", "bonus"), (credit.Currency, credit.Amount, credit.Reason));
        Assert.Equal(credit, h.Platform.Payouts.Adjust("aliexpress-ww", "small", null, 10.00m, "bonus", "top seller in January", "jan-bonus", "alice"));
        Assert.Equal("conflict", Assert.Throws<ProblemException>(() => h.Platform.Payouts.Adjust("aliexpress-ww", "small", null, 11m, "bonus", null, "jan-bonus", "alice")).Problem.Type);
        Assert.Equal(17.20m, h.Balance("small").Payable);
        h.Platform.Payouts.Adjust("aliexpress-ww", "wire", "USD", -6.00m, "correction", "double-counted order", null, "alice");
        Assert.Equal(30.00m, h.Balance("wire").Payable);

        foreach (var (amount, reason, currency, field) in new[] { (0m, "bonus", "USD", "amount"), (1.001m, "bonus", "USD", "amount"), (5m, "gift", "USD", "reason"), (5m, "bonus", "EUR", "currency") })
        {
            var before = h.Transfers().Count;
            Assert.Equal(field, Assert.Throws<ProblemException>(() => h.Platform.Payouts.Adjust("aliexpress-ww", "small", currency, amount, reason, null, null, "alice")).Problem.Field);
            Assert.Equal(before, h.Transfers().Count);
        }
        Assert.Equal("not_found", Assert.Throws<ProblemException>(() => h.Platform.Payouts.Adjust("aliexpress-ww", "nobody", null, 5m, "bonus", null, null, "alice")).Problem.Type);
        Assert.Contains(h.Platform.Store.Read(s => LastClick.Data.AuditLog.Recent(s, 10, "publisher:small")), a => a.Action == "payout.adjusted" && a.Detail.Contains("10.00", StringComparison.Ordinal));

        // Now above the threshold, the bonus is paid and shows on the statement.
        var run = PlanApproveExport(h);
        Assert.Equal(17.20m, h.Balance("small").Paid);
        var statement = Statements.For(h.Platform.Store, h.Platform.Programs, run, "small")!;
        var usd = statement.Accounts.Single();
        Assert.Equal((0m, 0m), (usd.Opening, usd.Closing));
        Assert.Equal(["commission made payable", "manual adjustment: bonus (top seller in January)", "payment to your bank account"], usd.Entries.Select(e => e.Label));
        Assert.Equal([7.20m, 10.00m, -17.20m], usd.Entries.Select(e => e.Amount));
        // In the CSV the amounts are numbers (a minus is not formula-escaped there), so they add up in a spreadsheet.
        var csv = Encoding.UTF8.GetString(Statements.Csv(statement));
        Assert.Contains(",USD,-17.20,0.00", csv, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void D3_statements_carry_the_period_every_entry_the_rate_the_reference_and_a_numbered_self_billing_invoice(string provider)
    {
        using var h = Setup(provider, Ww with { Payout = Ww.Payout with { SelfBilling = true } });
        if (h is null) return;
        var run = PlanApproveExport(h);
        var lines = h.Platform.Payouts.Get(run)!.Lines.Where(l => l.Invoice is not null).OrderBy(l => l.Invoice, StringComparer.Ordinal).ToList();
        Assert.Equal(["ALIEXPRESS-WW-2026-000001", "ALIEXPRESS-WW-2026-000002"], lines.Select(l => l.Invoice));

        var statement = Statements.For(h.Platform.Store, h.Platform.Programs, run, "sepa")!;
        Assert.Null(statement.PeriodStart);
        var csv = Encoding.UTF8.GetString(Statements.Csv(statement));
        Assert.Contains("opening_balance", csv, StringComparison.Ordinal);
        Assert.Contains($"at {EurRate.ToString(CultureInfo.InvariantCulture)}", csv, StringComparison.Ordinal);
        Assert.Contains(lines.Single(l => l.Publisher == "sepa").Reference!, csv, StringComparison.Ordinal);
        Assert.Contains("self-billing invoice ALIEXPRESS-WW-", csv, StringComparison.Ordinal);
        Assert.All(statement.Accounts, a => Assert.Equal(a.Closing, a.Opening + a.Entries.Sum(e => e.Amount)));
        var pdf = Statements.Pdf(statement);
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5));
        Assert.True(pdf.Length > 2000);

        // The next run's statement opens where this one closed.
        h.Clock.Set(T("2026-02-16T12:00:00Z"));
        h.Platform.Payouts.Adjust("aliexpress-ww", "wire", "USD", 20m, "bonus", null, null, "alice");
        h.Clock.Set(T(Week2));
        var next = h.Platform.Payouts.Plan("aliexpress-ww", T(Week2), "alice").Id;
        h.Platform.Payouts.Approve(next, "alice");
        h.Platform.Payouts.Export(next, "alice");
        var second = Statements.For(h.Platform.Store, h.Platform.Programs, next, "wire")!;
        Assert.Equal(h.Platform.Payouts.Get(run)!.ExportedAt, second.PeriodStart);
        Assert.Equal((0m, 0m), (second.Accounts.Single().Opening, second.Accounts.Single().Closing));
        Assert.Equal("ALIEXPRESS-WW-2026-000003", h.Platform.Payouts.Get(next)!.Lines.Single(l => l.Publisher == "wire").Invoice);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void D2_the_schedule_plans_each_program_once_on_its_weekday_and_hour_in_its_zone(string provider)
    {
        var berlin = Ww with { Payout = Ww.Payout with { Hour = 10, TimeZone = "Europe/Berlin" } };
        using var h = Setup(provider, berlin);
        if (h is null) return;
        // Friday 13 February 2026, 10:00 in Berlin is 09:00 UTC.
        Assert.Equal(T("2026-02-13T09:00:00Z"), PayoutSchedule.Next(berlin.Payout, T("2026-02-10T00:00:00Z")));
        Assert.Equal(T("2026-02-06T09:00:00Z"), PayoutSchedule.Latest(berlin.Payout, T("2026-02-13T08:59:59Z")));
        Assert.Equal(T("2026-07-03T08:00:00Z"), PayoutSchedule.Next(berlin.Payout, T("2026-07-01T00:00:00Z"))); // summer time

        Assert.Equal(1, h.Platform.Payouts.RunIfDue(T("2026-02-13T09:00:30Z")));
        Assert.Equal(0, h.Platform.Payouts.RunIfDue(T("2026-02-13T09:05:00Z")));
        var runs = h.Platform.Payouts.Runs("aliexpress-ww");
        Assert.Equal((T("2026-02-13T09:00:00Z"), RunStatus.Planned, "schedule"), (runs.Single().At, runs.Single().Status, runs.Single().PlannedBy));
        Assert.Equal(0m, h.Balance("wire").Paid);
    }

    [Fact]
    public void D3_a_run_cannot_be_planned_in_the_future_and_unknown_runs_are_not_found()
    {
        using var h = Setup(TestStores.Sqlite)!;
        Assert.Equal("at", Assert.Throws<ProblemException>(() => h.Platform.Payouts.Plan("aliexpress-ww", T("2026-03-01T00:00:00Z"), "alice")).Problem.Field);
        Assert.Equal("at", Assert.Throws<ProblemException>(() => h.Platform.Payouts.Plan("aliexpress-ww", DateTimeOffset.MinValue, "alice")).Problem.Field);
        Assert.Equal("not_found", Assert.Throws<ProblemException>(() => h.Platform.Payouts.Approve("nope", "alice")).Problem.Type);
        Assert.Empty(h.Platform.Payouts.Runs());
    }

    [Fact]
    public void D3_a_sepa_export_without_the_programs_debtor_account_is_refused_and_changes_nothing()
    {
        using var h = Setup(TestStores.Sqlite)!;
        h.Platform.Payouts.Debtor = null;
        var run = h.Platform.Payouts.Plan("aliexpress-ww", T(Week1), "alice").Id;
        h.Platform.Payouts.Approve(run, "alice");
        Assert.Equal("Payouts:Debtor", Assert.Throws<ProblemException>(() => h.Platform.Payouts.Export(run, "alice")).Problem.Field);
        Assert.Equal((RunStatus.Approved, 0m), (h.Platform.Payouts.Get(run)!.Status, h.Balance("wire").Paid));
    }

    private static string PlanApproveExport(Harness h)
    {
        var run = h.Platform.Payouts.Plan("aliexpress-ww", h.Clock.GetUtcNow(), "alice").Id;
        h.Platform.Payouts.Approve(run, "alice");
        h.Platform.Payouts.Export(run, "bob");
        return run;
    }

    /// <summary>Validates with the ISO 20022 schema of the shared reference data where present, else the copy the product embeds.</summary>
    internal static IReadOnlyList<string> ValidateAgainstSchema(byte[] xml, Xunit.Abstractions.ITestOutputHelper? output = null)
    {
        var shared = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", "iso20022", "pain.001.001.03.xsd"));
        var path = File.Exists(shared) ? shared : Path.Combine(RepoRoot, "src", "LastClick.Core", "Payouts", "Schemas", "pain.001.001.03.xsd");
        output?.WriteLine(File.Exists(shared)
            ? $"validated with the shared ISO 20022 schema {shared}"
            : $"{shared} is not here (a clone without shared/): validated with the copy the product embeds, {path}");
        var schemas = new XmlSchemaSet();
        schemas.Add("urn:iso:std:iso:20022:tech:xsd:pain.001.001.03", path);
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationEventHandler += (_, e) => errors.Add(e.Message);
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        while (reader.Read()) { }
        return errors;
    }
}
