using System.Net;
using LastClick.Server;
using LastClick.Tests.Support;

namespace LastClick.Tests.Server;

/// <summary>What integrators expect of the redirect (issue 16): HEAD for link checkers, and a referrer policy.</summary>
public sealed class RedirectHeadTests
{
    [Fact]
    public async Task I1_HEAD_go_tells_a_link_checker_the_destination_without_a_click_and_the_redirect_sets_a_referrer_policy()
    {
        await using var host = await WebHost.StartAsync();
        var demo = Demo.Seed(host.Platform, host.Passwords);
        var link = demo.Links[0];
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(host.BaseUrl) };
        long Clicks() => host.Platform.Store.Read(s => s.Scalar<long>("SELECT count(*) FROM clicks"));
        var before = Clicks();

        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/go/{link.Code}"));
        Assert.Equal(HttpStatusCode.Redirect, head.StatusCode);
        Assert.Equal(link.Destination, head.Headers.Location?.OriginalString);
        Assert.False(head.Headers.Contains("Set-Cookie"));
        Assert.Equal(before, Clicks());
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/go/no-such-link"))).StatusCode);

        using var get = await http.GetAsync($"/go/{link.Code}");
        Assert.Equal(HttpStatusCode.Redirect, get.StatusCode);
        Assert.Contains("lc_click=", get.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal("strict-origin-when-cross-origin", get.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal(before + 1, Clicks());
    }
}
