using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LastClick.Common;

namespace LastClick.Notifications;

/// <summary>A publisher's postback (I2): where, how, for which events, optionally one program only ('' for all).</summary>
public sealed record PostbackSetting(string PublisherId, string ProgramId, string Url, string Method, IReadOnlyList<string> Events);

/// <summary>A request ready to send: method, the URL with its macros filled, the body (POST) and the signature header.</summary>
public sealed record PostbackRequest(string Method, Uri Url, string? Body, string? ContentType, string Signature);

/// <summary>
/// Postbacks (I2), pure: the macros a URL may carry, filled from an order's news; the signature every delivery
/// carries. <c>LastClick-Signature: t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256 of "&lt;t&gt;.&lt;payload&gt;"&gt;</c>, the payload
/// being a POST's body, or a GET's request target (path and query, as sent).
/// </summary>
public static class Postbacks
{
    public const string SignatureHeader = "LastClick-Signature";
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);
    public static readonly IReadOnlyList<string> Methods = ["GET", "POST"];

    /// <summary>The macros and the news' field each takes (Admitad's and Everflow's names are in docs/postbacks.md).</summary>
    public static readonly IReadOnlyDictionary<string, string> Macros = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["click_id"] = "clickId", ["sub1"] = "sub1", ["sub2"] = "sub2", ["sub3"] = "sub3", ["sub4"] = "sub4", ["sub5"] = "sub5",
        ["order_id"] = "orderId", ["status"] = "status", ["reason"] = "reason", ["commission"] = "commission", ["currency"] = "currency",
        ["amount"] = "amount", ["program"] = "program", ["event_id"] = "eventId", ["event_time"] = "eventTime",
    };

    /// <summary>The values of the macros for one message: its payload's fields, the message id as the event id.</summary>
    public static IReadOnlyDictionary<string, string> Values(long messageId, string payload)
    {
        using var doc = JsonDocument.Parse(payload);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (macro, field) in Macros)
        {
            values[macro] = field == "eventId" ? messageId.ToString(CultureInfo.InvariantCulture)
                : doc.RootElement.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null
                    ? (v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())
                    : "";
        }
        if (doc.RootElement.TryGetProperty("eventTime", out var time) && time.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(time.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            values["event_time"] = Times.Format(at);
        }
        return values;
    }

    /// <summary>
    /// The request for one message: every <c>{macro}</c> in the URL replaced by its value, URL-encoded (an unknown one
    /// is left as written); a POST sends the values as JSON and is signed over that body, a GET over its path and query.
    /// </summary>
    public static PostbackRequest Build(PostbackSetting setting, IReadOnlyDictionary<string, string> values, string secret, DateTimeOffset now)
    {
        var url = new Uri(Fill(setting.Url, values));
        var unix = now.ToUnixTimeSeconds();
        if (setting.Method == "POST")
        {
            var body = JsonSerializer.Serialize(values.OrderBy(v => v.Key, StringComparer.Ordinal).ToDictionary(v => v.Key, v => v.Value));
            return new PostbackRequest("POST", url, body, "application/json", Sign(secret, unix, body));
        }
        return new PostbackRequest("GET", url, null, null, Sign(secret, unix, url.PathAndQuery));
    }

    /// <summary>An operator's webhook: a POST of <c>{"event","event_id","data":{…}}</c> (the message as written), signed over the body.</summary>
    public static PostbackRequest BuildWebhook(PostbackSetting setting, string eventName, long messageId, string payload, string secret, DateTimeOffset now)
    {
        using var data = JsonDocument.Parse(payload);
        var body = JsonSerializer.Serialize(new { @event = eventName, event_id = messageId.ToString(CultureInfo.InvariantCulture), data = data.RootElement });
        return new PostbackRequest("POST", new Uri(setting.Url), body, "application/json", Sign(secret, now.ToUnixTimeSeconds(), body));
    }

    public static string Fill(string template, IReadOnlyDictionary<string, string> values)
    {
        var sb = new StringBuilder(template.Length + 64);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            var close = open < 0 ? -1 : template.IndexOf('}', open + 1);
            if (open < 0 || close < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }
            sb.Append(template, i, open - i);
            var name = template[(open + 1)..close];
            sb.Append(values.TryGetValue(name, out var value) ? Uri.EscapeDataString(value) : template[open..(close + 1)]);
            i = close + 1;
        }
        return sb.ToString();
    }

    /// <summary><c>t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;payload&gt;")&gt;</c>.</summary>
    public static string Sign(string secret, long unixSeconds, string payload)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixSeconds.ToString(CultureInfo.InvariantCulture)}.{payload}"));
        return $"t={unixSeconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>What a receiver does: the header's time within <see cref="Tolerance"/> of now and its MAC that of one of the secrets.</summary>
    public static bool Verify(string header, string payload, IEnumerable<string> secrets, DateTimeOffset now)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
        if (!parts.TryGetValue("t", out var t) || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var unix) || !parts.TryGetValue("v1", out var v1)) return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - unix) > Tolerance.TotalSeconds) return false;
        var given = Encoding.ASCII.GetBytes(v1);
        return secrets.Any(secret => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, unix, payload)["t=".Length..].Split(",v1=")[1]), given));
    }

    /// <summary>A new signing secret: 32 random bytes, hex, prefixed so it is recognisable in a config file.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}

/// <summary>
/// Where outbound requests (postbacks, webhooks) may go: public addresses over https. Loopback, private, link-local,
/// carrier-grade NAT, multicast, reserved and cloud metadata addresses are refused — when a URL is saved and again at
/// each connection (DNS rebinding) — unless a network of <c>Outbound:AllowNetworks</c> admits them, which also allows
/// plain http there (tests, trackers on the same premises).
/// </summary>
public sealed class OutboundPolicy(IReadOnlyList<(IPAddress Network, int Prefix)> allowed)
{
    public static readonly OutboundPolicy PublicOnly = new([]);

    /// <summary>Reads <c>Outbound:AllowNetworks</c> ("127.0.0.0/8, ::1/128"), naming the setting when a CIDR is wrong.</summary>
    public static OutboundPolicy Parse(string? cidrs)
    {
        var list = new List<(IPAddress, int)>();
        foreach (var cidr in (cidrs ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = cidr.Split('/');
            if (!IPAddress.TryParse(parts[0], out var network)) throw ProblemException.Invalid("Outbound:AllowNetworks", $"'{cidr}' is not a CIDR like 127.0.0.0/8");
            var max = network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            var prefix = parts.Length == 1 ? max : int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= max ? p
                : throw ProblemException.Invalid("Outbound:AllowNetworks", $"'{cidr}' has no prefix length 0–{max}");
            list.Add((network, prefix));
        }
        return new OutboundPolicy(list);
    }

    public bool Allowed(IPAddress address) => allowed.Any(n => InNetwork(Normal(address), n.Network, n.Prefix));

    /// <summary>Whether an address may be connected to: a public one, or one an allowed network holds.</summary>
    public bool MayConnect(IPAddress address) => Allowed(address) || !IsInternal(Normal(address));

    /// <summary>
    /// Checks a URL a user gives (a 400 naming <paramref name="field"/> when refused): absolute http(s), no user info,
    /// https unless its host is in an allowed network, and every address its host resolves to connectable.
    /// </summary>
    public async Task<Uri> CheckAsync(string url, string field, CancellationToken cancel = default)
    {
        if (url.Length > 2000 || !Uri.TryCreate(url.Replace("{", "%7B", StringComparison.Ordinal).Replace("}", "%7D", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0 || uri.Host.Length == 0)
        {
            throw ProblemException.Invalid(field, "must be an absolute https URL (at most 2,000 characters, no user or password in it)");
        }
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.IdnHost, cancel).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            throw ProblemException.Invalid(field, $"the host '{uri.Host}' does not resolve");
        }
        if (addresses.Length == 0) throw ProblemException.Invalid(field, $"the host '{uri.Host}' does not resolve");
        if (addresses.FirstOrDefault(a => !MayConnect(a)) is { } refused)
        {
            throw ProblemException.Invalid(field, $"'{uri.Host}' is {refused}: loopback, private, link-local and metadata addresses are refused (Outbound:AllowNetworks admits some)");
        }
        if (uri.Scheme == "http" && !addresses.All(Allowed)) throw ProblemException.Invalid(field, "must be https");
        return uri;
    }

    private static IPAddress Normal(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    /// <summary>Addresses no outbound request of a user's may reach.</summary>
    public static bool IsInternal(IPAddress address)
    {
        address = Normal(address);
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] is 0 or 10 or 127 || b[0] >= 224                     // this network, private, loopback, multicast and reserved
                || b[0] == 100 && b[1] is >= 64 and < 128                     // carrier-grade NAT
                || b[0] == 169 && b[1] == 254                                 // link-local, cloud metadata (169.254.169.254)
                || b[0] == 172 && b[1] is >= 16 and < 32 || b[0] == 192 && b[1] == 168
                || b[0] == 192 && b[1] == 0 && b[2] is 0 or 2                 // IETF protocol assignments, TEST-NET-1
                || b[0] == 198 && b[1] is 18 or 19;                          // benchmarking
        }
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
            || address.GetAddressBytes() is [0xfd, 0x00, 0x0e, 0xc2, ..]  // AWS's IPv6 metadata (fd00:ec2::254)
            || address.GetAddressBytes() is [0x00, 0x64, 0xff, 0x9b, ..]; // NAT64 of anything, internal included
    }

    private static bool InNetwork(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily) return false;
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        for (var bit = 0; bit < prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask)) return false;
        }
        return true;
    }
}
