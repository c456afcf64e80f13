using System.Net;

namespace LastClick.Geo;

/// <summary>What an IP address says about a click: its country (A4) and whether it is a hosting or VPN network (A5).</summary>
public sealed record IpInfo(string? Country, uint Asn, bool Anonymizer);

/// <summary>
/// IP → country (CC0 geo-whois-asn-country), IP → ASN (DB-IP / RouteViews, CC BY 4.0) and a curated list of
/// hosting and VPN networks (data/hosting-asns.txt). Loaded once from the files embedded in the assembly.
/// </summary>
public sealed class IpIntelligence(IpRangeTable countries, IpRangeTable asns, IReadOnlySet<uint> hostingAsns)
{
    private static readonly Lazy<IpIntelligence> Embedded = new(LoadEmbedded);

    public static IpIntelligence Default => Embedded.Value;

    public IReadOnlySet<uint> HostingAsns => hostingAsns;

    public IpInfo Lookup(string? ip)
    {
        if (ip is null || !IPAddress.TryParse(ip, out var address)) return new IpInfo(null, 0, false);
        var cc = countries.Find(address);
        var country = cc == 0 ? null : new string([(char)(cc >> 8), (char)(cc & 0xFF)]);
        var asn = asns.Find(address);
        return new IpInfo(country, asn, asn != 0 && hostingAsns.Contains(asn));
    }

    /// <summary>A dotted-quad IPv4 or an IPv6 address; not the legacy short forms ("81.2.69") that IPAddress accepts.</summary>
    public static bool IsAddress(string text)
    {
        if (!IPAddress.TryParse(text, out var address)) return false;
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) return true;
        var parts = text.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit));
    }

    private static IpIntelligence LoadEmbedded()
    {
        var assembly = typeof(IpIntelligence).Assembly;
        Stream Open(string name) => assembly.GetManifestResourceStream($"LastClick.Geo.Data.{name}")
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var countries = Open("ip-country.bin.gz");
        using var asns = Open("ip-asn.bin.gz");
        using var hosting = new StreamReader(Open("hosting-asns.txt"));
        return new IpIntelligence(IpRangeTable.Read(countries), IpRangeTable.Read(asns), ParseAsnList(hosting.ReadToEnd()));
    }

    /// <summary>One ASN a line ("AS16509 Amazon" or "16509"), '#' starts a comment.</summary>
    public static HashSet<uint> ParseAsnList(string text)
    {
        var set = new HashSet<uint>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0) continue;
            var token = line.Split([' ', '\t'], 2)[0];
            if (token.StartsWith("AS", StringComparison.OrdinalIgnoreCase)) token = token[2..];
            if (uint.TryParse(token, out var asn)) set.Add(asn);
        }
        return set;
    }
}
