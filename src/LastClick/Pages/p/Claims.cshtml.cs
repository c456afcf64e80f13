using System.Globalization;
using LastClick.Claims;
using LastClick.Common;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

public sealed class ClaimForm
{
    public string? Program { get; set; }
    public string? OrderId { get; set; }
    public string? OrderDate { get; set; }
    public string? Amount { get; set; }
    public string? Currency { get; set; }
    public string? Comment { get; set; }

    public ClaimRequest ToRequest() => new(Program ?? "", (OrderId ?? "").Trim(),
        ClaimService.ParseDate(OrderDate),
        decimal.TryParse(Amount, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var a) ? a : throw ProblemException.Invalid("amount", "is not a number (use a point for decimals)"),
        (Currency ?? "").Trim().ToUpperInvariant(), Comment ?? "");
}

/// <summary>Missing-order claims: the publisher files one and follows its decision.</summary>
public sealed class ClaimsModel(Platform platform) : PageModel
{
    [BindProperty] public ClaimForm Form { get; set; } = new();
    public Problem? Problem { get; private set; }
    public IReadOnlyList<Claim> Claims { get; private set; } = [];
    public IReadOnlyDictionary<string, long> Threads { get; private set; } = new Dictionary<string, long>();
    public IReadOnlyList<LastClick.Programs.ProgramDefinition> Programs => [.. platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal)];

    public void OnGet()
    {
        Claims = platform.Claims.ForPublisher(WebSetup.PublisherOf(User));
        Threads = platform.Support.ThreadsOf(LastClick.Support.SupportAbout.Claim, Claims.Select(c => c.Id), WebSetup.PublisherOf(User));
    }

    public IActionResult OnPost()
    {
        try
        {
            var claim = platform.Claims.File(WebSetup.PublisherOf(User), Form.ToRequest());
            Flash.Set(this, "Claim #{0} filed.", claim.Id);
            return Redirect("/p/claims");
        }
        catch (ProblemException e)
        {
            Problem = e.Problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        OnGet();
        return Page();
    }
}
