using LastClick.Common;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace LastClick.Web;

/// <summary>
/// <c>&lt;problem value="Model.Problem" /&gt;</c>: a refused form's problem, naming its field, where the form is; nothing
/// when there is none.
/// </summary>
[HtmlTargetElement("problem", TagStructure = TagStructure.WithoutEndTag)]
public sealed class ProblemTagHelper : TagHelper
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
        output.Content.AppendHtml("<strong>").Append(Value.Field).AppendHtml("</strong>: ").Append(Value.Detail);
    }
}
