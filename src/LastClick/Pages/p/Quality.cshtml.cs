using LastClick.Web;

namespace LastClick.Pages.Publisher;

/// <summary>H3 for the publisher: what its orders paid after declines and refunds, by category, store, market or month.</summary>
public sealed class PublisherQualityModel(Platform platform) : QualityPageModel(platform)
{
    protected override (string, string?) Scope() => ("/p/quality", WebSetup.PublisherOf(User));
}
