using LastClick.Orders;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>One commission with every line's rate trace; another publisher's order is not found.</summary>
public sealed class CommissionModel(Platform platform) : PageModel
{
    public OrderView? Order { get; private set; }

    public IActionResult OnGet(string orderId)
    {
        if (platform.Orders.Find(orderId) is not { } order || order.Publisher != WebSetup.PublisherOf(User)) return NotFound();
        Order = platform.Store.Read(s => OrderService.ForItsPublisher(s, order));
        return Page();
    }
}
