using System.Globalization;
using Microsoft.Extensions.Localization;

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

/// <summary>
/// The dashboard's localizer: the resources' text as the framework finds it, with a text's plural argument resolved
/// (<see cref="Plural"/>) before its places are filled.
/// </summary>
public sealed class PluralText(IStringLocalizerFactory factory) : IStringLocalizer<Text>
{
    private readonly StringLocalizer<Text> inner = new(factory);

    public LocalizedString this[string name] => inner[name];

    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var text = inner[name];
            return new LocalizedString(name, Plural.Format(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, CultureInfo.CurrentCulture, text.Value, arguments), text.ResourceNotFound, text.SearchedLocation);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures);
}
