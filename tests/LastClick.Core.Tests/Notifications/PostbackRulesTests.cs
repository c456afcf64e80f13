using System.Net;
using LastClick.Notifications;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Notifications;

/// <summary>I2's pure parts: macros, signatures, backoff, which addresses outbound requests may reach, redaction.</summary>
public sealed class PostbackRulesTests
{
    [Fact]
    public void I2_macros_are_filled_url_encoded_and_unknown_ones_are_left_as_written()
    {
        var values = Postbacks.Values(42, """{"orderId":"o/1 & 2","clickId":"c1","sub1":null,"status":"pending","commission":"7.20","currency":"USD","eventTime":"2026-02-02T09:00:00+00:00"}""");
        var url = Postbacks.Fill("https://t.example/pb?o={order_id}&c={click_id}&s={sub1}&st={status}&p={commission}{currency}&e={event_id}&t={event_time}&x={nope}", values);
        Assert.Equal("https://t.example/pb?o=o%2F1%20%26%202&c=c1&s=&st=pending&p=7.20USD&e=42&t=2026-02-02T09%3A00%3A00Z&x={nope}", url);
    }

    [Fact]
    public void I2_a_signature_verifies_with_the_current_or_previous_secret_within_300_seconds_only()
    {
        var at = T("2026-02-02T09:00:00Z");
        var header = Postbacks.Sign("whsec_new", at.ToUnixTimeSeconds(), "/pb?o=1");
        Assert.Matches("^t=[0-9]+,v1=[0-9a-f]{64}$", header);
        Assert.True(Postbacks.Verify(header, "/pb?o=1", ["whsec_new"], at.AddSeconds(300)));
        Assert.True(Postbacks.Verify(header, "/pb?o=1", ["whsec_old", "whsec_new"], at));
        Assert.False(Postbacks.Verify(header, "/pb?o=1", ["whsec_old"], at));
        Assert.False(Postbacks.Verify(header, "/pb?o=2", ["whsec_new"], at));
        Assert.False(Postbacks.Verify(header, "/pb?o=1", ["whsec_new"], at.AddSeconds(301)));
        Assert.False(Postbacks.Verify("t=abc,v1=00", "/pb?o=1", ["whsec_new"], at));
    }

    [Fact]
    public void I2_retries_back_off_exponentially_with_jitter_up_to_six_hours()
    {
        var first = TimeSpan.FromSeconds(30);
        Assert.Equal(TimeSpan.FromSeconds(24), PostbackService.Backoff(1, first, 0));
        Assert.Equal(TimeSpan.FromSeconds(36), PostbackService.Backoff(1, first, 1));
        Assert.Equal(TimeSpan.FromSeconds(60), PostbackService.Backoff(2, first, 0.5));
        Assert.Equal(TimeSpan.FromHours(6), PostbackService.Backoff(30, first, 0.5));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.0.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00:ec2::254", true)]
    [InlineData("fc00::1", true)]
    [InlineData("64:ff9b::a00:1", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("2001:4860:4860::8888", false)]
    public void I2_internal_addresses_are_refused_unless_an_allowed_network_holds_them(string address, bool internalAddress)
    {
        var ip = IPAddress.Parse(address);
        Assert.Equal(internalAddress, OutboundPolicy.IsInternal(ip));
        Assert.Equal(!internalAddress, OutboundPolicy.PublicOnly.MayConnect(ip));
        var loopback = OutboundPolicy.Parse("127.0.0.0/8, ::1");
        Assert.Equal(!internalAddress || address is "127.0.0.1" or "::1", loopback.MayConnect(ip));
        Assert.Equal("Outbound:AllowNetworks", Assert.Throws<Common.ProblemException>(() => OutboundPolicy.Parse("127.0.0.0/33")).Problem.Field);
    }

    [Fact]
    public void I2_the_delivery_log_shows_no_secrets_of_a_url()
    {
        Assert.Equal("https://t.example/pb?o=1&api_key=***&Token=***&s=2",
            PostbackService.Redact("https://user:pw@t.example/pb?o=1&api_key=abc&Token=x&s=2"));
    }
}
