using System.Text.RegularExpressions;
using LastClick.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace LastClick.Tests.Web;

/// <summary>Ready for translation: every string a page asks the localizer for is in the English resources.</summary>
public sealed partial class TextTests
{
    [Fact]
    public async Task Every_dashboard_string_is_in_the_resources_a_translation_starts_from()
    {
        await using var host = await WebHost.StartAsync();
        var text = host.App.Services.GetRequiredService<IStringLocalizer<LastClick.Web.Text>>();
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "LastClick.slnx"))) root = root.Parent!;
        var keys = Directory.EnumerateFiles(Path.Combine(root.FullName, "src", "LastClick", "Pages"), "*.cshtml", SearchOption.AllDirectories)
            .SelectMany(f => Key().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).Distinct().ToList();

        Assert.True(keys.Count > 150, $"only {keys.Count} strings found");
        var missing = keys.Where(k => text[k].ResourceNotFound).ToList();
        Assert.True(missing.Count == 0, "not in Resources/Web.Text.resx: " + string.Join(" | ", missing));
    }

    [GeneratedRegex("""L\["((?:[^"\\]|\\.)*)"\]""")]
    private static partial Regex Key();
}
