using System.Buffers;
using System.Text.RegularExpressions;
using LastClick.Geo;

namespace LastClick.Tracking;

/// <summary>Invalid traffic kinds of product.md A6 and E4.</summary>
public static class InvalidReasons
{
    public const string Bot = "bot";
    public const string Suspended = "suspended";

    /// <summary>
    /// Every kind: those the redirect judges from the request (<see cref="Fraud.RequestShapes"/>, <see cref="Fraud.ClickSpam"/>), a
    /// listed bot, a click on a suspended publisher's link, and the kinds a replay scenario may flag by hand.
    /// </summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Bot, Fraud.RequestShapes.CookieStuffing, "forced_click", Fraud.RequestShapes.HiddenClick, "pop_under", Fraud.RequestShapes.ExtensionInjection,
        Fraud.RequestShapes.Prefetch, Fraud.RequestShapes.NoUserAgent, Fraud.ClickSpam.ClickSpamReason, Suspended,
    };
}

/// <summary>What the tracker knows of a click once it has looked at it.</summary>
/// <param name="Evidence">What showed the click to be invalid traffic (a header and its value, a count), when it is.</param>
public sealed record ClickClass(string? Country, uint Asn, bool Anonymizer, string? InvalidReason, string Device = Devices.Unknown, string? Evidence = null);

/// <summary>
/// The device class reports group clicks by, from the user agent: the tokens browsers have sent for a decade
/// (iPad/tablet before phone, since Android tablets leave out "Mobile"). No device database: the class is coarse.
/// </summary>
public static class Devices
{
    public const string Desktop = "desktop", Mobile = "mobile", Tablet = "tablet", Bot = "bot", Unknown = "unknown";

    public static readonly IReadOnlyList<string> All = [Desktop, Mobile, Tablet, Bot, Unknown];

    public static string Of(string? userAgent, bool bot)
    {
        if (bot) return Bot;
        if (string.IsNullOrWhiteSpace(userAgent)) return Unknown;
        var ua = userAgent.AsSpan();
        if (ua.Contains("iPad", StringComparison.Ordinal) || ua.Contains("Tablet", StringComparison.OrdinalIgnoreCase)
            || (ua.Contains("Android", StringComparison.Ordinal) && !ua.Contains("Mobile", StringComparison.Ordinal)))
        {
            return Tablet;
        }
        if (ua.Contains("Mobi", StringComparison.Ordinal) || ua.Contains("iPhone", StringComparison.Ordinal) || ua.Contains("Android", StringComparison.Ordinal)
            || ua.Contains("Opera Mini", StringComparison.Ordinal))
        {
            return Mobile;
        }
        return ua.Contains("Mozilla/", StringComparison.Ordinal) ? Desktop : Unknown;
    }
}

/// <summary>Classifies a click from its IP (country, hosting/VPN network) and user agent (known bots).</summary>
public sealed class ClickClassifier(IpIntelligence ip, BotDetector bots)
{
    private static readonly Lazy<ClickClassifier> Embedded = new(() => new ClickClassifier(IpIntelligence.Default, BotDetector.Default));

    public static ClickClassifier Default => Embedded.Value;

    /// <summary>
    /// The click's country and network from its address, its device, and whether it is invalid traffic: as the redirect
    /// already judged it from the request (<paramref name="flaggedAs"/> with its <paramref name="evidence"/>), else a
    /// user agent on the crawler list.
    /// </summary>
    public ClickClass Classify(string? ipAddress, string? userAgent, string? flaggedAs = null, string? evidence = null)
    {
        var info = ip.Lookup(ipAddress);
        var bot = bots.IsBot(userAgent);
        var invalid = flaggedAs ?? (bot ? InvalidReasons.Bot : null);
        var why = flaggedAs is not null ? evidence : bot ? "User-Agent on the crawler list" : null;
        return new ClickClass(info.Country, info.Asn, info.Anonymizer, invalid, Devices.Of(userAgent, bot), why);
    }
}

/// <summary>
/// Known crawlers and bots, from the crawler-user-agents list (MIT). Most of its patterns are plain text: those are
/// found together with one vectorized multi-string search; the few real expressions share one compiled regex.
/// </summary>
public sealed class BotDetector
{
    private readonly SearchValues<string> _literals;
    private readonly Regex? _expressions;

    public BotDetector(IEnumerable<string> patterns)
    {
        var literals = new List<string>();
        var expressions = new List<string>();
        foreach (var pattern in patterns)
        {
            if (AsLiteral(pattern) is { } literal) literals.Add(literal);
            else expressions.Add(pattern);
        }
        _literals = SearchValues.Create([.. literals], StringComparison.Ordinal);
        if (expressions.Count > 0)
        {
            _expressions = new Regex(string.Join('|', expressions.Select(p => $"(?:{p})")),
                RegexOptions.Compiled | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            _expressions.IsMatch("warm-up");
        }
    }

    private static readonly Lazy<BotDetector> Embedded = new(() =>
    {
        using var stream = typeof(BotDetector).Assembly.GetManifestResourceStream("LastClick.Geo.Data.crawler-user-agents.txt")
            ?? throw new InvalidOperationException("embedded crawler-user-agents.txt is missing");
        using var reader = new StreamReader(stream);
        return new BotDetector(reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith('#')));
    });

    public static BotDetector Default => Embedded.Value;

    public bool IsBot(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent)) return false;
        // Real traffic repeats a few thousand user agents: each is searched once and remembered (bounded).
        if (_seen.TryGetValue(userAgent, out var known)) return known;
        var bot = Search(userAgent);
        if (userAgent.Length <= 512)
        {
            if (_seen.Count >= SeenCapacity) _seen.Clear();
            _seen[userAgent] = bot;
        }
        return bot;
    }

    private const int SeenCapacity = 20_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);

    private bool Search(string userAgent)
    {
        if (userAgent.AsSpan().IndexOfAny(_literals) >= 0) return true;
        // A user agent built to make the expression backtrack for a second is not a browser's.
        try { return _expressions?.IsMatch(userAgent) ?? false; }
        catch (RegexMatchTimeoutException) { return true; }
    }

    /// <summary>The text a pattern matches when it has no regex operators (escaped punctuation allowed), else null.</summary>
    internal static string? AsLiteral(string pattern)
    {
        var text = new System.Text.StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 < pattern.Length && !char.IsAsciiLetterOrDigit(pattern[i + 1])) { text.Append(pattern[++i]); continue; }
                return null;
            }
            if ("[](){}.*+?^$|".Contains(c, StringComparison.Ordinal)) return null;
            text.Append(c);
        }
        return text.ToString();
    }
}
