using LastClick.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Web;

/// <summary>
/// A dashboard form's action, the same on every page: done, its message is flashed and the browser goes on (post,
/// redirect, get); refused, the page is shown again with the problem in place and the problem's status.
/// </summary>
internal static class FormActions
{
    public static IActionResult Run(PageModel page, Func<(string Message, string Then)> act, Action<Problem> show, Action reload)
    {
        try
        {
            var (message, then) = act();
            page.TempData["Flash"] = message;
            return new RedirectResult(then);
        }
        catch (ProblemException e)
        {
            return Refused(page, e.Problem, show, reload);
        }
    }

    public static async Task<IActionResult> RunAsync(PageModel page, Func<Task<(string Message, string Then)>> act, Action<Problem> show, Action reload)
    {
        try
        {
            var (message, then) = await act().ConfigureAwait(false);
            page.TempData["Flash"] = message;
            return new RedirectResult(then);
        }
        catch (ProblemException e)
        {
            return Refused(page, e.Problem, show, reload);
        }
    }

    private static PageResult Refused(PageModel page, Problem problem, Action<Problem> show, Action reload)
    {
        show(problem);
        page.Response.StatusCode = Server.LastClickServer.StatusOf(problem);
        reload();
        return page.Page();
    }
}
