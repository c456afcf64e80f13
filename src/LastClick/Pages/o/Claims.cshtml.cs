using LastClick.Claims;
using LastClick.Common;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>Missing-order claims for the operator: each open claim beside the marketplace's order of that id; accepted or declined with a reason.</summary>
public sealed class OperatorClaimsModel(Platform platform) : PageModel
{
    public string Status { get; private set; } = "open";
    public IReadOnlyList<(Claim Claim, ClaimEvidence Evidence)> Claims { get; private set; } = [];
    public Problem? Problem { get; private set; }
    public IReadOnlyDictionary<string, long> Threads { get; private set; } = new Dictionary<string, long>();

    public void OnGet() => Load();

    public IActionResult OnPostAccept(long? claim, string? note) => Decide(() => platform.Claims.Accept(claim ?? 0, WebSetup.ActorOf(User), note));

    public IActionResult OnPostDecline(long? claim, string? reason, string? note) => Decide(() => platform.Claims.Decline(claim ?? 0, WebSetup.ActorOf(User), reason ?? "", note));

    private IActionResult Decide(Func<Claim> decide) => FormActions.Run(this, () =>
    {
        var claim = decide();
        return (Flash.Say(this, "Claim #{0}: {1}.", claim.Id, Flash.Label(this, claim.Status)), "/o/claims");
    }, problem => Problem = problem, Load);

    private void Load()
    {
        Status = Request.Query["status"].FirstOrDefault() is "accepted" or "declined" ? Request.Query["status"].First()! : "open";
        Claims = [.. platform.Claims.ByStatus(Status).Select(c => (c, Status == "open" ? platform.Claims.Evidence(c) : new ClaimEvidence(null, [])))];
        Threads = platform.Support.ThreadsOf(LastClick.Support.SupportAbout.Claim, Claims.Select(c => c.Claim.Id), null);
    }
}
