using LastClick.Web;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>E4 in numbers: orders flagged as fraud (declined, deducted after payment), and invalid clicks by publisher and reason.</summary>
public sealed class FraudModel(Platform platform) : PageModel
{
    public IReadOnlyList<CommissionRow> Orders { get; private set; } = [];
    public IReadOnlyList<InvalidClicks> Invalid { get; private set; } = [];

    public void OnGet()
    {
        Orders = Dashboard.FraudOrders(platform.Store, 100);
        Invalid = Dashboard.Invalid(platform.Store, platform.Clock.GetUtcNow(), 7);
    }
}
