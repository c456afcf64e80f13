using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace LastClick.Web;

/// <summary>A page's message after a form (shown once, on the next page), in the reader's language.</summary>
internal static class Flash
{
    /// <summary>The text of <paramref name="key"/> (its English wording, with {0}-style places) in the page's language.</summary>
    public static string Say(PageModel page, string key, params object?[] args)
    {
        var text = page.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<Text>>();
        return args.Length == 0 ? text[key] : text[key, [.. args.Select(a => a ?? "")]];
    }

    /// <summary>A code's label in the page's language, for a message.</summary>
    public static string Label(PageModel page, string code) => Show.Label(page.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<Text>>(), code);

    /// <summary>Flashes <paramref name="key"/> for the next page.</summary>
    public static void Set(PageModel page, string key, params object?[] args) => page.TempData["Flash"] = Say(page, key, args);
}
