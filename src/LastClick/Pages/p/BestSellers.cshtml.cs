using System.Text;
using LastClick.Common;
using LastClick.Products;
using LastClick.Server;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>G4: a market's best sellers of the latest month ranked — a page, a CSV, and a feed (made on the feeds page).</summary>
public sealed class BestSellersModel(Platform platform) : PageModel
{
    public string Market { get; private set; } = "DE";
    public IReadOnlyList<BestSeller> List { get; private set; } = [];
    public Problem? Problem { get; private set; }

    public void OnGet()
    {
        try
        {
            Market = BestSellerJob.Market(Request.Query["market"].FirstOrDefault() ?? "DE");
            List = BestSellerJob.List(platform.Store, Market);
        }
        catch (ProblemException e)
        {
            Problem = e.Problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }

    public IActionResult OnGetCsv()
    {
        try
        {
            var market = BestSellerJob.Market(Request.Query["market"].FirstOrDefault() ?? "DE");
            var list = BestSellerJob.List(platform.Store, market);
            var month = list.Count > 0 ? list[0].Month : "none";
            return File(Encoding.UTF8.GetBytes(LastClickServer.BestSellerCsv(list)), "text/csv; charset=utf-8", $"lastclick-best-sellers-{market}-{month}.csv");
        }
        catch (ProblemException e)
        {
            return BadRequest(e.Problem.ToString());
        }
    }
}
