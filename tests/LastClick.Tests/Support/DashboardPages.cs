using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Razor.Hosting;

namespace LastClick.Tests.Support;

/// <summary>
/// The dashboard's pages as compiled into the executable — each route and its page model's handlers — so tests
/// generate their matrices from the app itself and a new page or handler is covered without being listed.
/// </summary>
public static partial class DashboardPages
{
    /// <summary>A page's route template and its page model (null for a page without one, which has no handlers).</summary>
    public sealed record Page(string Route, Type? Model)
    {
        public IReadOnlyList<string> Parameters => RouteParameter().Matches(Route).Select(m => m.Groups[1].Value).ToList();

        /// <summary>The handlers of the page model: the method, the verb (GET or POST) and the handler name ("" for the default).</summary>
        public IEnumerable<(MethodInfo Method, HttpMethod Verb, string Name)> Handlers() =>
            // Declared by the model or a base class of ours (the reports pages share theirs), not by ASP.NET's PageModel.
            (Model?.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.DeclaringType?.Assembly == Model.Assembly) ?? [])
                .Select(m => (Method: m, Match: HandlerName().Match(m.Name))).Where(h => h.Match.Success)
                .Select(h => (h.Method, h.Match.Groups[1].Value == "Get" ? HttpMethod.Get : HttpMethod.Post, h.Match.Groups[2].Value.ToLowerInvariant()));
    }

    public static IReadOnlyList<Page> All() =>
        typeof(LastClick.Server.LastClickServer).Assembly.GetCustomAttributes<RazorCompiledItemAttribute>().Where(i => i.Kind == "mvc.1.0.razor-page")
            .Select(i => new Page(i.Type.GetCustomAttributes<RazorCompiledItemMetadataAttribute>().Single(m => m.Key == "RouteTemplate").Value,
                i.Type.GetProperty("Model")?.PropertyType is { } model && typeof(PageModel).IsAssignableFrom(model) ? model : null))
            .ToList();

    /// <summary>A route template (a page's or an endpoint's) with each {parameter} replaced by <paramref name="value"/>'s answer, escaped.</summary>
    public static string Fill(string route, Func<string, string> value) =>
        RouteParameter().Replace(route, m => Uri.EscapeDataString(value(m.Groups[1].Value)));

    public static bool IsPublisherRoute(string route) => route == "/p" || route.StartsWith("/p/", StringComparison.Ordinal);

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex("^On(Get|Post)([A-Za-z]*?)(Async)?$")]
    private static partial Regex HandlerName();
}
