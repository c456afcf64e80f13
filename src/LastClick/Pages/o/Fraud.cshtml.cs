using LastClick.Common;
using LastClick.Fraud;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>
/// Fraud review (E4, A6): the analytics' findings with their evidence — confirmed (the orders behind one declined, paid ones
/// deducted), dismissed with a note, or the publisher's links suspended — beside the orders flagged as fraud and the
/// invalid clicks by publisher and reason.
/// </summary>
public sealed class FraudModel(Platform platform) : PageModel
{
    public string Status { get; private set; } = FindingStatus.Open;
    public IReadOnlyList<Finding> Findings { get; private set; } = [];
    public IReadOnlyDictionary<string, long> Threads { get; private set; } = new Dictionary<string, long>();
    public IReadOnlyList<CommissionRow> Orders { get; private set; } = [];
    public IReadOnlyList<InvalidClicks> Invalid { get; private set; } = [];
    public Problem? Problem { get; private set; }

    public void OnGet() => Load();

    public IActionResult OnPostAnalyze() => Act(() =>
    {
        var today = DateOnly.FromDateTime(platform.Clock.GetUtcNow().UtcDateTime);
        var run = platform.Fraud.Analyze(today.AddDays(-FraudReview.DailyDays), today, WebSetup.ActorOf(User));
        return $"Analysed {run.Days[0]} to {run.Days[^1]}: {run.Findings} finding(s), {run.Opened} new.";
    });

    public IActionResult OnPostConfirm(long? finding, string? code, string? note) => Act(() =>
    {
        var result = platform.Fraud.Confirm(finding ?? 0, WebSetup.ActorOf(User), string.IsNullOrEmpty(code) ? null : code, string.IsNullOrWhiteSpace(note) ? null : note);
        return $"Finding #{result.Finding.Id} confirmed: {result.Declined} order(s) declined, {result.Deducted} deducted.";
    });

    public IActionResult OnPostDismiss(long? finding, string? note) => Act(() =>
        $"Finding #{platform.Fraud.Dismiss(finding ?? 0, WebSetup.ActorOf(User), note).Id} dismissed.");

    public IActionResult OnPostSuspend(string? publisher, string? note) => Act(() =>
        $"{platform.Fraud.SuspendLinks(publisher ?? "", true, WebSetup.ActorOf(User), note)} link(s) of {publisher} suspended.");

    private IActionResult Act(Func<string> act) => FormActions.Run(this, () => (act(), "/o/fraud"), problem => Problem = problem, Load);

    private void Load()
    {
        Status = Request.Query["status"].FirstOrDefault() is { } s && FindingStatus.All.Contains(s) ? s : FindingStatus.Open;
        Findings = platform.Fraud.List(Status, limit: 200);
        Threads = platform.Support.ThreadsOf(LastClick.Support.SupportAbout.Finding, Findings.Where(f => f.Status == FindingStatus.Confirmed).Select(f => f.Id), null);
        Orders = Dashboard.FraudOrders(platform.Store, 100);
        Invalid = Dashboard.Invalid(platform.Store, platform.Clock.GetUtcNow(), 7);
    }
}
