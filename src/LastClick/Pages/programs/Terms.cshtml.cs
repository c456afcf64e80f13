using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Programs;

public sealed class TermsModel(Platform platform) : PageModel
{
    public ProgramTerms? Terms { get; private set; }

    /// <summary>The currency the program pays in today, which its cap per order is in.</summary>
    public string PayoutCurrency { get; private set; } = "";

    /// <summary>A scorecard component's label (the resources' English wording).</summary>
    public static string ComponentLabel(string component) => component switch
    {
        "commission" => "Commission", "cookie" => "Cookie", "payout" => "Payout", "transparency" => "Transparency", "trust" => "Trust",
        "product" => "Product", "ease" => "Ease of use", "competition" => "Competition", "support" => "Support",
        _ => component,
    };

    public IActionResult OnGet(string id)
    {
        var program = platform.Programs.All.FirstOrDefault(p => p.Id == id);
        if (program is null) return NotFound();
        Terms = ProgramTerms.Of(program);
        PayoutCurrency = program.PayoutCurrencyAt(platform.Clock.GetUtcNow()).Code;
        return Page();
    }
}
