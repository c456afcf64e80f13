namespace LastClick.Web;

/// <summary>
/// The dashboard's text, for <c>IStringLocalizer&lt;Text&gt;</c>: every string on a page is looked up through it with its
/// English wording as the key. A translation is a <c>Resources/Web.Text.{culture}.resx</c> holding those keys.
/// </summary>
public sealed class Text
{
    private Text() { }
}
