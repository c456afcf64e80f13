// The assembly is named `lastclick`; resources are found under the code's namespace (LastClick.Resources.Web.Text).
[assembly: Microsoft.Extensions.Localization.RootNamespace("LastClick")]

namespace LastClick.Web;

/// <summary>
/// The dashboard's text, for <c>IStringLocalizer&lt;Text&gt;</c>: every string on a page is looked up through it with its
/// English wording as the key, all of them in <c>Resources/Web.Text.resx</c> (a test keeps it complete). A translation
/// is a <c>Resources/Web.Text.{culture}.resx</c> with the same names.
/// </summary>
public sealed class Text
{
    private Text() { }
}
