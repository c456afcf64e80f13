using System.Globalization;

namespace LastClick.Common;

/// <summary>
/// The languages the dashboard and the mail speak (H2): the programs' own (English, French, Portuguese and Spanish for
/// Global/EU, Russian for RU&amp;CIS). A person's language is its account's choice, else its browser's, else its
/// program's first language.
/// </summary>
public static class Languages
{
    public const string Default = "en";

    /// <summary>Every language, in the switcher's order, each named in itself.</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> All =
    [
        ("en", "English"), ("fr", "Français"), ("pt", "Português"), ("es", "Español"), ("ru", "Русский"),
    ];

    public static bool IsSupported(string? code) => code is not null && All.Any(l => l.Code == code);

    /// <summary>The supported language of a tag such as <c>fr-CA</c> or <c>PT</c>, or null.</summary>
    public static string? Of(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag)) return null;
        var dash = tag.IndexOfAny(['-', '_']);
        var code = (dash > 0 ? tag[..dash] : tag).Trim().ToLowerInvariant();
        return IsSupported(code) ? code : null;
    }

    /// <summary>
    /// The culture numbers, money and dates are written in for a language: the one the browser asked for when it is of
    /// that language (<c>fr-CA</c>), else the language's home in the programs' markets.
    /// </summary>
    public static CultureInfo Culture(string language, string? requested = null)
    {
        if (requested is not null && Of(requested) == language)
        {
            try
            {
                var asked = CultureInfo.GetCultureInfo(requested);
                if (!asked.IsNeutralCulture) return asked;
            }
            catch (CultureNotFoundException)
            {
                // An unknown region: the language's home below.
            }
        }
        return CultureInfo.GetCultureInfo(language switch
        {
            "fr" => "fr-FR",
            "pt" => "pt-PT",
            "es" => "es-ES",
            "ru" => "ru-RU",
            _ => "en-GB",
        });
    }
}
