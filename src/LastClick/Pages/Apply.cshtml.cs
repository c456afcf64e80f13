using LastClick.Common;
using LastClick.Programs;
using LastClick.Publishers;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace LastClick.Pages;

/// <summary>What the sign-up and profile forms post (E1, D3).</summary>
public sealed class ProfileForm
{
    public List<string> Programs { get; set; } = [];
    public string? ContactName { get; set; }
    public string? Email { get; set; }
    public string? Password { get; set; }
    public string? Country { get; set; }
    public List<string> ChannelKinds { get; set; } = [];
    public List<string> ChannelUrls { get; set; } = [];
    public string? Niche { get; set; }
    public string? MainTrafficSource { get; set; }
    public List<string> TrafficSources { get; set; } = [];
    public string? TargetGeos { get; set; }
    public string? TimeZone { get; set; }
    public string? PayoutMethod { get; set; }
    public string? AccountHolder { get; set; }
    public string? Iban { get; set; }
    public string? Bic { get; set; }
    public string? BankName { get; set; }
    public string? BankAddress { get; set; }
    public string? PayoutCurrency { get; set; }
    public string? Street { get; set; }
    public string? PostalCode { get; set; }
    public string? City { get; set; }
    public string? AddressCountry { get; set; }
    public string? VatId { get; set; }

    /// <summary>Asked for when payout details change (a session alone must not redirect payouts).</summary>
    public string? CurrentPassword { get; set; }

    public PublisherProfile Profile() => new(ContactName ?? "", Email ?? "", Country ?? "",
        ChannelUrls.Select((url, i) => (url, i)).Where(c => !string.IsNullOrWhiteSpace(c.url))
            .Select(c => new Channel(ChannelKinds.ElementAtOrDefault(c.i) ?? "site", c.url.Trim())).ToList(),
        Niche ?? "", MainTrafficSource ?? "", TrafficSources, (TargetGeos ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries), TimeZone);

    /// <summary>The details as entered (checked by <see cref="Payouts.PayoutDetailsRules"/>): for a wire the IBAN field holds the account (an IBAN or number).</summary>
    public PayoutDetails? Payout()
    {
        if (string.IsNullOrEmpty(PayoutMethod)) return null;
        var address = new[] { Street, PostalCode, City, AddressCountry }.All(string.IsNullOrWhiteSpace) ? null
            : new PostalAddress(Street ?? "", PostalCode, City ?? "", AddressCountry ?? "");
        var wire = PayoutMethod == Payouts.PayoutDetailsRules.Wire;
        return new PayoutDetails(PayoutMethod, AccountHolder ?? "", wire ? "" : Iban ?? "", Bic, BankName, wire ? Iban : null, BankAddress,
            string.IsNullOrWhiteSpace(PayoutCurrency) ? null : PayoutCurrency, address, VatId);
    }

    /// <summary>The time zones a form offers (IANA names), UTC first.</summary>
    public static IReadOnlyList<string> Zones { get; } = [.. TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Where(id => id.Contains('/', StringComparison.Ordinal))
        .Prepend("UTC").Distinct(StringComparer.Ordinal)];

    public static ProfileForm From(PublisherRecord publisher) => new()
    {
        ContactName = publisher.Profile?.ContactName, Email = publisher.Profile?.Email, Country = publisher.Profile?.Country,
        ChannelKinds = publisher.Profile?.Channels.Select(c => c.Kind).ToList() ?? [], ChannelUrls = publisher.Profile?.Channels.Select(c => c.Url).ToList() ?? [],
        Niche = publisher.Profile?.Niche, MainTrafficSource = publisher.Profile?.MainTrafficSource ?? publisher.TrafficType,
        TrafficSources = publisher.Profile?.TrafficSources.ToList() ?? [], TargetGeos = string.Join(", ", publisher.Profile?.TargetGeos ?? []),
        TimeZone = publisher.Profile?.TimeZone,
        PayoutMethod = publisher.Payout?.Method, AccountHolder = publisher.Payout?.AccountHolder,
        Iban = publisher.Payout is { Method: "wire" } w ? w.Account : publisher.Payout?.Iban, Bic = publisher.Payout?.Bic,
        BankName = publisher.Payout?.BankName, BankAddress = publisher.Payout?.BankAddress,
        PayoutCurrency = publisher.Payout is { Method: "wire" } ? publisher.Payout.Currency : null,
        Street = publisher.Payout?.Address?.Street, PostalCode = publisher.Payout?.Address?.PostalCode, City = publisher.Payout?.Address?.City,
        AddressCountry = publisher.Payout?.Address?.Country, VatId = publisher.Payout?.VatId,
    };
}

[EnableRateLimiting("apply")]
public sealed class ApplyModel(Platform platform, Passwords passwords) : PageModel
{
    [BindProperty] public ProfileForm Form { get; set; } = new();
    public Problem? Problem { get; private set; }
    public IReadOnlyList<ProgramDefinition> AllPrograms => [.. platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal)];

    public void OnGet(string? program)
    {
        if (program is not null && platform.Programs.All.Any(p => p.Id == program)) Form.Programs.Add(program);
    }

    public IActionResult OnPost()
    {
        try
        {
            Access.Accounts.ValidPassword(Form.Password, "password");
            var id = platform.Applications.Apply(Form.Profile(), Form.Payout(), Form.Programs, passwords.Hash(Form.Password!), platform.Accounts);
            Flash.Set(this, "Application received. Sign in to follow it.");
            return Redirect($"/signin?applied={id}");
        }
        catch (ProblemException e)
        {
            Problem = e.Problem;
            Response.StatusCode = e.Problem.Type == "conflict" ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
            return Page();
        }
    }
}
