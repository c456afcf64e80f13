using LastClick.Web;

namespace LastClick.Pages.Operators;

/// <summary>The program's statistics over every publisher (H1, C4), by any dimension and by publisher, in UTC days, with CSV download.</summary>
public sealed class ProgramReportsModel(Platform platform) : ReportPageModel(platform)
{
    protected override (string, string?, TimeZoneInfo) Scope(Platform platform) => ("/o/reports", null, TimeZoneInfo.Utc);
}
