using LastClick.Common;
using LastClick.Tests.Support;
using LastClick.Tracking;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Tracking;

/// <summary>F1, F2: deep links only to the program's hosts; never an open redirect.</summary>
public sealed class LinkTargetTests
{
    private static IReadOnlyList<string> Hosts => Ww.AllowedHosts;

    [Theory]
    [InlineData("https://www.aliexpress.com/item/1005001.html?spm=a2g0o.home", "https://www.aliexpress.com/item/1005001.html?spm=a2g0o.home")]
    [InlineData("HTTPS://WWW.AliExpress.COM/item/1.html", "https://www.aliexpress.com/item/1.html")]
    [InlineData("https://aliexpress.com:443/category/100003109.html", "https://aliexpress.com/category/100003109.html")]
    [InlineData("https://aliexpress.com", "https://aliexpress.com/")]
    [InlineData("http://m.aliexpress.com/deals?x=1#top", "http://m.aliexpress.com/deals?x=1#top")]
    [InlineData("https://pl.aliexpress.com/item/2.html?q=%C5%BC%C3%B3%C5%82w", "https://pl.aliexpress.com/item/2.html?q=%C5%BC%C3%B3%C5%82w")]
    public void F1_deep_links_to_any_url_on_the_programs_hosts_are_accepted_and_normalized(string destination, string normalized)
    {
        Assert.Equal(normalized, LinkTargets.Validate(destination, Hosts));
    }

    [Theory]
    [InlineData("https://www.aliexpress.com/item/1.html", "c-1", "https://www.aliexpress.com/item/1.html?lc_click=c-1")]
    [InlineData("https://www.aliexpress.com/item/1.html?spm=x", "c-1", "https://www.aliexpress.com/item/1.html?spm=x&lc_click=c-1")]
    [InlineData("https://www.aliexpress.com/item/1.html?spm=x#reviews", "c 1&x", "https://www.aliexpress.com/item/1.html?spm=x&lc_click=c%201%26x#reviews")]
    public void F2_the_click_id_is_appended_to_the_query_before_the_fragment(string destination, string clickId, string location)
    {
        Assert.Equal(location, LinkTargets.WithClickId(LinkTargets.Validate(destination, Hosts), clickId));
    }

    [Theory]
    [InlineData("https://evil.com/", "host 'evil.com' is not one of the program's hosts (aliexpress.com, *.aliexpress.com)")]
    [InlineData("https://aliexpress.com.evil.com/", "host 'aliexpress.com.evil.com' is not one of the program's hosts (aliexpress.com, *.aliexpress.com)")]
    [InlineData("https://evilaliexpress.com/", "host 'evilaliexpress.com' is not one of the program's hosts (aliexpress.com, *.aliexpress.com)")]
    [InlineData("//evil.com/", "must be an absolute http or https URL")]
    [InlineData("javascript:alert(1)//aliexpress.com", "must be an absolute http or https URL")]
    [InlineData("https://aliexpress.com@evil.com/", "must name its host plainly (no user info, no percent-encoding)")]
    [InlineData("https://evil.com\\@aliexpress.com/", "must not contain white space, control characters or backslashes")]
    [InlineData("https://aliexpress.com/\r\nLocation: https://evil.com", "must not contain white space, control characters or backslashes")]
    [InlineData("https://127.0.0.1/", "must name a host, not an IP address")]
    [InlineData("https://aliexpress.com:8443/", "must use the scheme's default port")]
    [InlineData("https://аliexpress.com/", "host 'xn--liexpress-zyh.com' is not one of the program's hosts (aliexpress.com, *.aliexpress.com)")]
    public void F2_hostile_destinations_are_refused_with_the_reason(string destination, string detail)
    {
        var e = Assert.Throws<ProblemException>(() => LinkTargets.Validate(destination, Hosts));
        Assert.Equal(("destination", detail), (e.Problem.Field, e.Problem.Detail));
    }


    /// <summary>At least a thousand generated hostile forms: none yields a Location off the program's hosts.</summary>
    [Fact]
    public void F2_no_generated_hostile_form_leaves_the_allowed_hosts()
    {
        var tried = 0;
        var refused = 0;
        foreach (var url in HostileTargets.Generate())
        {
            tried++;
            string location;
            try
            {
                location = LinkTargets.WithClickId(LinkTargets.Validate(url, Hosts), "c1");
            }
            catch (ProblemException p)
            {
                Assert.Equal("destination", p.Problem.Field);
                refused++;
                continue;
            }
            // Accepted: then the Location must stay on the program's hosts however it is read.
            HostileTargets.AssertStaysOnHosts(url, location, Hosts);
        }
        Assert.True(tried >= 1000, $"{tried} forms");
        Assert.True(refused > tried * 9 / 10, $"{refused} of {tried} refused");
    }
}
