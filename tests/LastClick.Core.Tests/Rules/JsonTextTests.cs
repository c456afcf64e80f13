using LastClick.Common;

namespace LastClick.Tests.Rules;

/// <summary>
/// What <see cref="JsonNode.Parse"/> refuses beyond JSON's grammar, whether the document has escapes (the full check)
/// or none (read from the raw bytes without making strings).
/// </summary>
public sealed class JsonTextTests
{
    [Theory]
    [InlineData("""{"a":[{"b":"x","c":1},{"b":"y","c":2}],"d":{"e":"\u00e9t\u00e9"}}""")]
    [InlineData("""{"a":"line\nbreak","b":"tab\t","c":"\/slash","d":"\u00e9","e":"\ud83d\ude00"}""")]
    [InlineData("""{"a\u0062":1,"ab2":2}""")]
    [InlineData("""[{"k":1},{"k":2},{"k":3}]""")]
    [InlineData("""{"é":1,"e":2}""")]
    public void Text_that_any_store_can_keep_is_accepted(string json)
    {
        var root = JsonNode.Parse(json, "body");
        Assert.NotEqual(System.Text.Json.JsonValueKind.Undefined, root.Element.ValueKind);
    }

    [Theory]
    [InlineData("""{"a":1,"b":{"c":"x","c":"y"}}""", "b.c", "appears twice in one object")]
    [InlineData("""{"a":1,"b":{"c":"x","\u0063":"y"}}""", "b.c", "appears twice in one object")]
    [InlineData("""{"list":[{"id":"ok"},{"id":"\ud800"}]}""", "list[1].id", "is not valid text (a lone UTF-16 surrogate)")]
    [InlineData("""{"list":[{"\udc00x":1}]}""", "list[0].\\udc00x", "is not valid text (a lone UTF-16 surrogate in the name)")]
    [InlineData("""{"a":"nul\u0000here"}""", "a", "contains a NUL character (U+0000), which no field may hold")]
    [InlineData("""{"n\u0000":1}""", "n\0", "the name contains a NUL character (U+0000)")]
    public void Text_no_store_can_keep_is_refused_naming_the_field(string json, string field, string detail)
    {
        var e = Assert.Throws<ProblemException>(() => JsonNode.Parse(json, "body"));
        Assert.Equal(field, e.Problem.Field);
        Assert.Equal(detail, e.Problem.Detail);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(200)]
    public void A_name_repeated_at_the_end_of_a_large_object_is_refused(int names)
    {
        // The raw check keeps 32 names' hashes; a larger object goes through the full check.
        var properties = Enumerable.Range(0, names).Select(i => $"\"p{i}\":{i}").Append("\"p0\":-1");
        var e = Assert.Throws<ProblemException>(() => JsonNode.Parse("{\"o\":{" + string.Join(",", properties) + "}}", "body"));
        Assert.Equal("o.p0", e.Problem.Field);
        Assert.Equal("appears twice in one object", e.Problem.Detail);
        Assert.Equal(names + 1, JsonNode.Parse("{\"o\":{" + string.Join(",", properties.SkipLast(1).Append("\"q\":0")) + "}}", "body").Required("o").Properties().Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_string_holding_a_lone_surrogate_itself_not_its_escape_is_refused_not_thrown(bool inName)
    {
        // A caller's own string, not bytes off the wire (request bodies are decoded with replacement characters). Made
        // here: an attribute's string cannot carry a lone surrogate (metadata keeps it as UTF-8).
        var json = inName ? "{\"a" + '\udc00' + "\":1}" : "{\"a\":\"x" + '\ud800' + "y\"}";
        var e = Assert.Throws<ProblemException>(() => JsonNode.Parse(json, "body"));
        Assert.Equal(("body", "is not valid text (a lone UTF-16 surrogate)"), (e.Problem.Field, e.Problem.Detail));
    }

    [Fact]
    public void A_null_is_the_callers_error_not_bad_text() =>
        Assert.Throws<ArgumentNullException>(() => JsonNode.Parse(null!, "body"));
}
