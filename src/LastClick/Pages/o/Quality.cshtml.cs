using LastClick.Web;

namespace LastClick.Pages.Operators;

/// <summary>H3 for the operator's team: quality over every publisher, also by publisher and program.</summary>
public sealed class OperatorQualityModel(Platform platform) : QualityPageModel(platform)
{
    protected override (string, string?) Scope() => ("/o/quality", null);
}
