using System.Globalization;
using LastClick.Access;
using LastClick.Common;
using LastClick.Payouts;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>
/// Payouts (D2, D3): the next run as it would be planned now (who is paid, carried over, held and why), the runs with
/// their state; an admin plans, approves (a second admin where the program has four eyes), exports and downloads the
/// bank files, settles or returns lines, and adjusts a publisher's balance.
/// </summary>
public sealed class PayoutRunsModel(Platform platform) : PageModel
{
    public string Program { get; private set; } = "";
    public IReadOnlyList<LastClick.Programs.ProgramDefinition> Programs => [.. platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal)];
    public IReadOnlyList<PayoutLine> Preview { get; private set; } = [];
    public int PreviewCount { get; private set; }
    public IReadOnlyList<(string What, int Lines)> PreviewCounts { get; private set; } = [];
    public DateTimeOffset NextRun { get; private set; }
    public string DefaultCurrency { get; private set; } = "";
    public IReadOnlyList<PayoutRunView> Runs { get; private set; } = [];
    public PayoutRunView? Run { get; private set; }
    public Problem? Problem { get; private set; }
    public bool Admin => User.IsInRole(AccountRoles.Admin);

    public void OnGet() => Load(Request.Query["program"].FirstOrDefault(), Request.Query["run"].FirstOrDefault());

    public IActionResult OnPostPlan(string? program) => Act(program, null, () =>
    {
        var run = platform.Payouts.Plan(platform.Programs.Get(program ?? "", "program").Id, platform.Clock.GetUtcNow(), WebSetup.ActorOf(User));
        return (run.Id, $"Run {run.Id} planned: {run.Lines.Count(l => l.Status == LineStatus.Due)} to pay. Nothing is paid until it is approved and exported.");
    });

    public IActionResult OnPostApprove(string? run) => Act(null, run, () =>
    {
        var view = platform.Payouts.Approve(run ?? "", WebSetup.ActorOf(User));
        return (view.Id, view.AwaitingSecondApproval ? $"Run {view.Id} approved once: a second admin must approve it." : $"Run {view.Id} approved.");
    });

    public IActionResult OnPostExport(string? run) => Act(null, run, () =>
    {
        var view = platform.Payouts.Export(run ?? "", WebSetup.ActorOf(User));
        return (view.Id, $"Run {view.Id} exported: {string.Join(", ", view.ToPay.Select(t => $"{t.Currency} {t.Amount} ({t.Lines})"))}. Download the bank files below.");
    });

    public IActionResult OnPostSettle(string? run, string? publisher, string? currency) => Act(null, run, () =>
        (platform.Payouts.Settle(run ?? "", publisher ?? "", WebSetup.ActorOf(User), currency).Id, $"{publisher}'s payment settled."));

    public IActionResult OnPostReturn(string? run, string? publisher, string? reason, string? currency) => Act(null, run, () =>
        (platform.Payouts.Return(run ?? "", publisher ?? "", reason ?? "", WebSetup.ActorOf(User), currency).Id, $"{publisher}'s payment returned: the money is payable again."));

    public IActionResult OnPostAdjust(string? program, string? publisher, string? currency, string? amount, string? reason, string? note) => Act(program, null, () =>
    {
        if (!decimal.TryParse(amount, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            throw ProblemException.Invalid("amount", "a number like 25.00 or -10.50");
        }
        var adjustment = platform.Payouts.Adjust(program ?? "", publisher ?? "", string.IsNullOrEmpty(currency) ? null : currency, value, reason ?? "",
            string.IsNullOrWhiteSpace(note) ? null : note.Trim(), null, WebSetup.ActorOf(User));
        return (null, $"{adjustment.Publisher}: {adjustment.Currency} {adjustment.Amount} ({adjustment.Reason}) booked.");
    });

    /// <summary>A bank file of an exported run, as written at export.</summary>
    public IActionResult OnGetFile(string? run, string? name)
    {
        // Bank files carry every publisher's account: admins only (moderators see the runs, not the accounts).
        if (!Admin) return Forbid();
        if (name is not (BankFiles.SepaName or BankFiles.WireName) || platform.Payouts.OpenFile(run ?? "", name) is not { } file) return NotFound();
        return File(file.Content, file.Media, $"{run}-{name}");
    }

    public IActionResult OnGetStatement(string? run, string? publisher, string? format) =>
        Admin ? StatementDownload.For(platform, run, publisher, format, this) : Forbid();

    private IActionResult Act(string? program, string? run, Func<(string? Run, string Message)> act)
    {
        if (!Admin) return Forbid();
        return FormActions.Run(this, () =>
        {
            var (shown, message) = act();
            var target = shown ?? run;
            var owner = program ?? (target is null ? null : platform.Payouts.Get(target)?.Program) ?? "";
            return (message, $"/o/payouts?program={Uri.EscapeDataString(owner)}" + (target is null ? "" : $"&run={Uri.EscapeDataString(target)}"));
        }, problem => Problem = problem, () => Load(program, run));
    }

    private void Load(string? program, string? run)
    {
        Run = run is null ? null : platform.Payouts.Get(run);
        Program = Run?.Program ?? (program is not null && platform.Programs.All.Any(p => p.Id == program) ? program : Programs[0].Id);
        var definition = platform.Programs.Get(Program);
        NextRun = PayoutSchedule.Next(definition.Payout, platform.Clock.GetUtcNow());
        DefaultCurrency = definition.PayoutCurrencyAt(platform.Clock.GetUtcNow()).Code;
        var preview = platform.Payouts.Preview(Program);
        PreviewCount = preview.Count;
        PreviewCounts = [.. preview.GroupBy(l => l.Decision == PayoutDecision.Paid ? "will be paid" : l.Reason!).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count()))];
        // The held first (they need someone to act), then by publisher; a page of them.
        Preview = [.. preview.OrderBy(l => l.Status != LineStatus.Held).ThenBy(l => l.PublisherId, StringComparer.Ordinal).Take(500)];
        Runs = platform.Payouts.Runs(Program, limit: 30);
        Liability = platform.Forecasts.Project(null, Program, null);
    }

    /// <summary>H4: what the marketplace is expected to pay this program's publishers, week by week (every publisher's open commissions).</summary>
    public LastClick.Forecast.CashFlowForecast? Liability { get; private set; }
}

/// <summary>A statement as a file for the dashboard (CSV or PDF), for an operator or the publisher itself.</summary>
internal static class StatementDownload
{
    public static IActionResult For(Platform platform, string? run, string? publisher, string? format, PageModel page)
    {
        if (format is not ("csv" or "pdf")) return page.BadRequest();
        try
        {
            if (Statements.For(platform.Store, platform.Programs, run ?? "", publisher ?? "") is not { } statement) return page.NotFound();
            return format == "pdf"
                ? page.File(Statements.Pdf(statement), "application/pdf", $"statement-{run}-{publisher}.pdf")
                : page.File(Statements.Csv(statement), "text/csv; charset=utf-8", $"statement-{run}-{publisher}.csv");
        }
        catch (ProblemException)
        {
            return page.NotFound();
        }
    }
}
