using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using LastClick.Common;
using LastClick.Data;
using LastClick.Ledger;
using LastClick.Programs;
using LastClick.Publishers;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace LastClick.Payouts;

/// <summary>An entry of the payable account in a statement: into it (positive) or out of it (negative).</summary>
public sealed record StatementEntry(DateTimeOffset At, string Kind, string Label, string? Order, string Currency, decimal Amount);

/// <summary>The payable account in one currency over the period: opening, entries, closing.</summary>
public sealed record StatementAccount(string Currency, decimal Opening, IReadOnlyList<StatementEntry> Entries, decimal Closing);

/// <summary>
/// D3: what a run paid a publisher and why — every entry of its payable account between the program's previous export
/// and this one, with the amount paid, the bank's reference and, where converted, the rate; optionally a self-billing
/// invoice (EU publishers must book what they are paid).
/// </summary>
public sealed record Statement(
    string RunId, string ProgramId, string ProgramName, string Marketplace, string PublisherId, PayoutDetails? Details,
    DateTimeOffset? PeriodStart, DateTimeOffset PeriodEnd, IReadOnlyList<StatementAccount> Accounts, IReadOnlyList<PayoutLineView> Lines, bool SelfBilling);

public static class Statements
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The statement of a publisher's lines in an exported run; null when the publisher has no line in it.</summary>
    public static Statement? For(Store store, ProgramCatalog programs, string runId, string publisherId) => store.Read(s =>
    {
        var run = s.QuerySingleOrDefault<StatementRun>("SELECT id, program_id, exported_at FROM payout_runs WHERE id = @runId", new { runId });
        if (run is null) return null;
        var lines = s.Query<LineRow>($"SELECT {PayoutService.LineColumns} FROM payouts WHERE run_id = @runId AND publisher_id = @publisherId ORDER BY currency",
            new { runId, publisherId });
        if (lines.Count == 0) return null;
        if (run.ExportedAt is not { } end) throw new ProblemException(Problem.Conflict("run", "the run is not exported yet: its statement is written at export"));
        var start = s.Query<long>("""
            SELECT exported_at FROM payout_runs WHERE program_id = @ProgramId AND exported_at IS NOT NULL AND exported_at < @end ORDER BY exported_at DESC LIMIT 1
            """, new { run.ProgramId, end }).Select(x => (long?)x).FirstOrDefault();
        var transfers = s.Query<StatementTransfer>("""
            SELECT t.order_id, t.kind, t.from_account, t.to_account, t.currency, t.amount_minor, t.at, a.reason AS adjustment_reason, a.note AS adjustment_note
            FROM ledger_transfers t LEFT JOIN payout_adjustments a ON a.id = t.adjustment_id
            WHERE t.publisher_id = @publisherId AND t.program_id = @ProgramId AND t.at <= @end AND (t.from_account = 'payable' OR t.to_account = 'payable')
            ORDER BY t.at, t.id
            """, new { publisherId, run.ProgramId, end });
        var program = programs.All.FirstOrDefault(p => p.Id == run.ProgramId);
        var accounts = transfers.GroupBy(t => t.Currency).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var currency = Currency.Of(g.Key);
            decimal Signed(StatementTransfer t) => currency.FromMinor(t.ToAccount == "payable" ? t.AmountMinor : -t.AmountMinor);
            var opening = g.Where(t => start is { } st && t.At <= st).Sum(Signed);
            var entries = g.Where(t => start is not { } st || t.At > st)
                .Select(t => new StatementEntry(Times.FromMicros(t.At), t.Kind, Label(t), t.OrderId, g.Key, Signed(t))).ToList();
            return new StatementAccount(g.Key, opening, entries, opening + entries.Sum(e => e.Amount));
        }).Where(a => a.Opening != 0m || a.Entries.Count > 0).ToList();
        var details = s.Query<string?>("SELECT payout_details FROM publishers WHERE id = @publisherId", new { publisherId }).FirstOrDefault();
        var paidWith = lines.Select(l => l.Bank).FirstOrDefault(b => b is not null) ?? details;
        return new Statement(runId, run.ProgramId, program?.Name ?? run.ProgramId, program?.Marketplace ?? "", publisherId,
            paidWith is null ? null : JsonSerializer.Deserialize<PayoutDetails>(paidWith, Json),
            start is { } st2 ? Times.FromMicros(st2) : null, Times.FromMicros(end), accounts, lines.Select(PayoutService.LineView).ToList(),
            program?.Payout.SelfBilling ?? false);
    });

    private static string Label(StatementTransfer t) => t.Kind switch
    {
        EntryKinds.Release => "commission made payable",
        EntryKinds.Commission or EntryKinds.Adjustment => "commission adjustment",
        EntryKinds.Payout => "payment to your bank account",
        EntryKinds.PayoutReturn => "payment returned by the bank",
        EntryKinds.FxConversion => t.ToAccount == "payable" ? "currency conversion (into the currency you are paid in)" : "currency conversion (out of the program's currency)",
        EntryKinds.AntispamDeduction => "antispam deduction",
        EntryKinds.RefundAdjustment => "refund adjustment",
        EntryKinds.ManualAdjustment => $"manual adjustment: {t.AdjustmentReason}{(t.AdjustmentNote is null ? "" : $" ({t.AdjustmentNote})")}",
        EntryKinds.Reversal => "commission reversed (order declined)",
        _ => t.Kind.Replace('_', ' '),
    };

    public static byte[] Csv(Statement st)
    {
        using var ms = new MemoryStream();
        using (var writer = new StreamWriter(ms, new UTF8Encoding(false)))
        // Formula-escaped, but a leading minus only in text: amounts stay numbers a spreadsheet adds up (-17.20, not '-17.20).
        using (var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture)
               { InjectionOptions = InjectionOptions.Escape, InjectionCharacters = ['=', '@', '+', '\t', '\r'], NewLine = "\n" }))
        {
            void Row(params string?[] fields)
            {
                for (var i = 0; i < fields.Length; i++)
                {
                    var f = fields[i] ?? "";
                    csv.WriteField(i < 7 && f.StartsWith('-') ? "'" + f : f);
                }
                csv.NextRecord();
            }
            Row("run_id", "publisher_id", "date", "kind", "description", "order_id", "currency", "amount", "balance");
            foreach (var account in st.Accounts)
            {
                var currency = Currency.Of(account.Currency);
                var balance = account.Opening;
                Row(st.RunId, st.PublisherId, st.PeriodStart is { } p ? Times.Format(p) : "", "opening_balance", "opening balance", null, account.Currency, currency.Format(account.Opening), currency.Format(balance));
                foreach (var e in account.Entries)
                {
                    balance += e.Amount;
                    Row(st.RunId, st.PublisherId, Times.Format(e.At), e.Kind, e.Label, e.Order, e.Currency, currency.Format(e.Amount), currency.Format(balance));
                }
                Row(st.RunId, st.PublisherId, Times.Format(st.PeriodEnd), "closing_balance", "closing balance", null, account.Currency, currency.Format(account.Closing), currency.Format(account.Closing));
            }
            foreach (var line in st.Lines)
            {
                Row(st.RunId, st.PublisherId, Times.Format(st.PeriodEnd), $"payout_{line.Status}",
                    $"{line.Status}{(line.Reason is null ? "" : $" ({line.Reason})")}{(line.FxRate is null ? "" : $"; {line.Amount} {line.Currency} at {line.FxRate}")}{(line.Reference is null ? "" : $"; bank reference {line.Reference}")}{(line.Invoice is null ? "" : $"; self-billing invoice {line.Invoice}")}",
                    null, line.PayCurrency ?? line.Currency, line.Status is LineStatus.Paid or LineStatus.Settled or LineStatus.Returned ? line.PayAmount : "0.00", null);
            }
        }
        return ms.ToArray();
    }

    private static readonly Lock FontLock = new();

    /// <summary>The statement as a PDF (A4), with the self-billing invoice when the program asks for one.</summary>
    public static byte[] Pdf(Statement st)
    {
        lock (FontLock)
        {
            GlobalFontSettings.FontResolver ??= new EmbeddedFonts();
        }
        var document = new PdfDocument();
        document.Info.Title = $"Statement {st.RunId} {st.PublisherId}";
        document.Info.Author = "LastClick";
        document.Info.CreationDate = st.PeriodEnd.UtcDateTime;
        document.Info.ModificationDate = st.PeriodEnd.UtcDateTime;
        var pen = new PdfPen(document);
        var paid = st.Lines.Where(l => l.Status is LineStatus.Paid or LineStatus.Settled or LineStatus.Returned).ToList();
        var invoice = st.SelfBilling ? paid.Select(l => l.Invoice).FirstOrDefault(i => i is not null) : null;
        pen.Title(invoice is null ? "Payout statement" : $"Payout statement and self-billing invoice {invoice}");
        pen.Line($"{st.ProgramName} ({st.Marketplace}) · run {st.RunId}");
        pen.Line($"Publisher {st.PublisherId}{(st.Details is { } d ? $" · {d.AccountHolder}" : "")}");
        if (st.Details?.Address is { } a) pen.Line($"{a.Street}, {a.PostalCode} {a.City}, {a.Country}");
        if (st.Details?.VatId is { } vat) pen.Line($"VAT id {vat}");
        pen.Line($"Period {(st.PeriodStart is { } start ? Times.Format(start) : "the beginning")} – {Times.Format(st.PeriodEnd)} (UTC)");
        pen.Gap();
        foreach (var account in st.Accounts)
        {
            var currency = Currency.Of(account.Currency);
            pen.Bold($"Payable balance in {account.Currency}");
            pen.Row("", "Opening balance", "", currency.Format(account.Opening));
            foreach (var e in account.Entries) pen.Row(e.At.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), e.Label, e.Order ?? "", currency.Format(e.Amount));
            pen.Row("", "Closing balance", "", currency.Format(account.Closing));
            pen.Gap();
        }
        pen.Bold("Payment");
        foreach (var line in st.Lines)
        {
            var what = line.Status switch
            {
                LineStatus.Paid or LineStatus.Settled => $"paid {line.PayCurrency} {line.PayAmount}",
                LineStatus.Returned => $"returned by the bank ({line.ReturnReason}): {line.PayCurrency} {line.PayAmount} back to payable",
                _ => $"not paid: {line.Reason?.Replace('_', ' ')}",
            };
            pen.Line($"{line.Currency} {line.Amount}: {what}");
            if (line.FxRate is not null && line.PayCurrency != line.Currency) pen.Line($"   converted at the program's internal rate of the run date: 1 {line.Currency} = {line.FxRate} {line.PayCurrency}");
            if (line.Reference is not null && line.Status is LineStatus.Paid or LineStatus.Settled or LineStatus.Returned) pen.Line($"   bank reference {line.Reference}");
        }
        if (invoice is not null)
        {
            pen.Gap();
            pen.Bold($"Self-billing invoice {invoice}");
            pen.Line($"Supplier: {st.Details?.AccountHolder} (publisher {st.PublisherId}){(st.Details?.VatId is { } v ? $", VAT id {v}" : "")}");
            pen.Line($"Customer: {st.Marketplace}, for the affiliate program {st.ProgramName}");
            pen.Line($"Date of issue: {st.PeriodEnd.UtcDateTime:yyyy-MM-dd}. Affiliate commissions for the period above.");
            foreach (var line in paid) pen.Line($"Amount: {line.PayCurrency} {line.PayAmount}");
            pen.Line("Self-billing: this invoice is issued by the customer on behalf of the supplier under a self-billing agreement.");
            pen.Line("VAT is accounted for by the recipient where the reverse charge applies.");
        }
        pen.Done();
        using var ms = new MemoryStream();
        document.Save(ms);
        return ms.ToArray();
    }

    /// <summary>Writes lines down A4 pages, a new page when one is full.</summary>
    private sealed class PdfPen(PdfDocument document)
    {
        private const double Left = 50, Top = 50, Bottom = 60, LineHeight = 14;
        private readonly XFont _regular = new("DejaVu Sans", 9, XFontStyleEx.Regular);
        private readonly XFont _bold = new("DejaVu Sans", 10, XFontStyleEx.Bold);
        private readonly XFont _title = new("DejaVu Sans", 14, XFontStyleEx.Bold);
        private XGraphics? _gfx;
        private PdfPage? _page;
        private double _y;

        private XGraphics Gfx(double height)
        {
            if (_gfx is null || _y + height > _page!.Height.Point - Bottom)
            {
                _gfx?.Dispose();
                _page = document.AddPage();
                _page.Size = PdfSharp.PageSize.A4;
                _gfx = XGraphics.FromPdfPage(_page);
                _y = Top;
            }
            return _gfx;
        }

        public void Title(string text) { Gfx(24).DrawString(text, _title, XBrushes.Black, new XPoint(Left, _y)); _y += 24; }

        public void Bold(string text) { Gfx(LineHeight).DrawString(text, _bold, XBrushes.Black, new XPoint(Left, _y)); _y += LineHeight; }

        public void Line(string text) { Gfx(LineHeight).DrawString(Fit(text, 100), _regular, XBrushes.Black, new XPoint(Left, _y)); _y += LineHeight; }

        public void Gap() => _y += LineHeight / 2;

        public void Row(string date, string label, string order, string amount)
        {
            var g = Gfx(LineHeight);
            g.DrawString(date, _regular, XBrushes.Black, new XPoint(Left, _y));
            g.DrawString(Fit(label, 52), _regular, XBrushes.Black, new XPoint(Left + 70, _y));
            g.DrawString(Fit(order, 22), _regular, XBrushes.Black, new XPoint(Left + 330, _y));
            var width = g.MeasureString(amount, _regular).Width;
            g.DrawString(amount, _regular, XBrushes.Black, new XPoint(_page!.Width.Point - 50 - width, _y));
            _y += LineHeight;
        }

        private static string Fit(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

        public void Done()
        {
            if (_gfx is null) Gfx(0);
            _gfx!.Dispose();
        }
    }

    /// <summary>DejaVu Sans, embedded (Latin, Greek, Cyrillic): the statement looks the same on every machine.</summary>
    private sealed class EmbeddedFonts : IFontResolver
    {
        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
            new(bold ? "DejaVuSans-Bold" : "DejaVuSans", false, italic);

        public byte[]? GetFont(string faceName)
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"LastClick.Payouts.Fonts.{faceName}.ttf");
            if (stream is null) return null;
            using var ms = new MemoryStream();
            stream.CopyTo(ms);
            return ms.ToArray();
        }
    }

#pragma warning disable CA1812 // instantiated by the row parser
    private sealed class StatementRun
    {
        public string Id { get; set; } = "";
        public string ProgramId { get; set; } = "";
        public long? ExportedAt { get; set; }
    }

    private sealed class StatementTransfer
    {
        public string? OrderId { get; set; }
        public string Kind { get; set; } = "";
        public string FromAccount { get; set; } = "";
        public string ToAccount { get; set; } = "";
        public string Currency { get; set; } = "";
        public long AmountMinor { get; set; }
        public long At { get; set; }
        public string? AdjustmentReason { get; set; }
        public string? AdjustmentNote { get; set; }
    }
#pragma warning restore CA1812
}
