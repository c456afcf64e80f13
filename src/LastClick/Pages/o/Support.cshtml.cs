using System.Security.Claims;
using LastClick.Support;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>The team's support inbox (I3): threads by state and assignee, latest activity first, unread ones marked.</summary>
public sealed class OperatorSupportModel(Platform platform) : PageModel
{
    public IReadOnlyList<SupportThread> Threads { get; private set; } = [];
    public string Status { get; private set; } = "open";
    public string Assignee { get; private set; } = "";
    public string Me { get; private set; } = "";
    public IReadOnlyDictionary<string, string> Names { get; private set; } = new Dictionary<string, string>();

    public void OnGet()
    {
        Status = Request.Query["status"].FirstOrDefault() is "closed" or "all" ? Request.Query["status"].First()! : "open";
        Me = User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        Assignee = Request.Query["assignee"].FirstOrDefault() switch { "me" => "me", "none" => "none", _ => "" };
        Names = platform.Accounts.Operators().ToDictionary(a => a.Id, a => a.Name, StringComparer.Ordinal);
        Threads = platform.Support.List(new SupportFilter(Status == "all" ? null : Status, Assignee switch { "me" => Me, "none" => "none", _ => null }, Limit: 500));
    }
}
