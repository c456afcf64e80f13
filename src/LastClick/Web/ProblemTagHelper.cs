using LastClick.Common;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace LastClick.Web;

/// <summary>
/// <c>&lt;problem value="Model.Problem" /&gt;</c>: a refused form's problem, naming its field (<c>data-field</c>, and its
/// label in the reader's language), where the form is; nothing when there is none. See <see cref="ProblemText"/>.
/// </summary>
[HtmlTargetElement("problem", TagStructure = TagStructure.WithoutEndTag)]
public sealed class ProblemTagHelper(Microsoft.Extensions.Localization.IStringLocalizer<Text> text) : TagHelper
{
    public Problem? Value { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (Value is null)
        {
            output.SuppressOutput();
            return;
        }
        output.TagName = "p";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", "problem");
        output.Attributes.SetAttribute("role", "alert");
        output.Attributes.SetAttribute("data-field", Value.Field);
        var (detail, translated) = ProblemText.Detail(text, Value.Detail);
        output.Content.AppendHtml("<strong>").Append(ProblemText.Field(text, Value.Field)).AppendHtml("</strong>: ");
        if (translated) output.Content.Append(detail);
        else output.Content.AppendHtml("<span lang=\"en\">").Append(detail).AppendHtml("</span>");
    }
}
