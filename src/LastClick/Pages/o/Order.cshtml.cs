using LastClick.Orders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>One order as the operator sees it: the whole attribution trace (every click considered) and each line's rate trace.</summary>
public sealed class OrderModel(Platform platform) : PageModel
{
    public OrderView? Order { get; private set; }

    public IActionResult OnGet(string id)
    {
        Order = platform.Orders.Find(id);
        return Order is null ? NotFound() : Page();
    }
}
