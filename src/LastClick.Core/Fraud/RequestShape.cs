using LastClick.Tracking;

namespace LastClick.Fraud;

/// <summary>
/// What a request to the tracking redirect shows of how it was made: the headers a browser sets itself and a page's
/// script cannot (Fetch Metadata, prefetch markers), the user agent and the referrer. Null: the header was absent.
/// </summary>
public readonly record struct RequestShape(
    string? UserAgent, string? FetchDest = null, string? FetchMode = null, string? Purpose = null, string? SecPurpose = null,
    string? XMoz = null, string? XPurpose = null, string? Referrer = null, string? Query = null);

/// <summary>Why a click is invalid traffic, and what showed it (the header and its value).</summary>
public readonly record struct Verdict(string Reason, string Evidence);

/// <summary>
/// A source signal a click carries for publisher-level analytics (<see cref="TrafficAnalytics"/>): a paid-search click and
/// its keyword, or a referrer on a pop/clickunder network. Kept on the click only when present.
/// </summary>
public readonly record struct SourceSignal(string Kind, string Detail)
{
    public const string PaidSearch = "paid_search";
    public const string PopReferrer = "pop_referrer";
}

/// <summary>
/// General invalid traffic (product.md A6, GIVT) judged from the request alone, on the redirect: a load that is not a
/// top-level navigation (an <c>&lt;img&gt;</c>, <c>&lt;iframe&gt;</c>, script or fetch of the link: cookie stuffing and hidden
/// clicks), a prefetch or prerender, no user agent, a referrer on the program's own hosts (an extension or injected script
/// sending the marketplace's own visitor through a link: E4). A listed bot is the classifier's (<see cref="ClickClassifier"/>),
/// repeats are <see cref="ClickSpam"/>'s. Absence of a header is never evidence: a browser that sends no Fetch Metadata
/// (Safari before 16.4, Firefox before 90) is judged by what it does send. Pure; allocates only for a verdict.
/// </summary>
public static class RequestShapes
{
    public const string CookieStuffing = "cookie_stuffing";
    public const string HiddenClick = "hidden_click";
    public const string Prefetch = "prefetch";
    public const string NoUserAgent = "no_user_agent";
    public const string ExtensionInjection = "extension_injection";

    /// <summary>The verdict and the source signal of one request, reading its referrer's host once (the redirect's call).</summary>
    public static (Verdict? Verdict, SourceSignal? Signal) Assess(in RequestShape r, IReadOnlyList<string> ownHosts)
    {
        var host = HostOf(r.Referrer);
        return (Judge(r, ownHosts, host), Signal(r, host));
    }

    public static Verdict? Judge(in RequestShape r, IReadOnlyList<string> ownHosts) => Judge(r, ownHosts, HostOf(r.Referrer));

    private static Verdict? Judge(in RequestShape r, IReadOnlyList<string> ownHosts, string? referrerHost)
    {
        if (string.IsNullOrWhiteSpace(r.UserAgent)) return new Verdict(NoUserAgent, "no User-Agent header");
        if (IsPrefetch(r.Purpose)) return new Verdict(Prefetch, $"Purpose: {r.Purpose}");
        if (IsPrefetch(r.SecPurpose)) return new Verdict(Prefetch, $"Sec-Purpose: {r.SecPurpose}");
        if (IsPrefetch(r.XMoz)) return new Verdict(Prefetch, $"X-Moz: {r.XMoz}");
        if (IsPrefetch(r.XPurpose) || Has(r.XPurpose, "preview")) return new Verdict(Prefetch, $"X-Purpose: {r.XPurpose}");
        if (r.FetchDest is { Length: > 0 } dest && !dest.Equals("document", StringComparison.OrdinalIgnoreCase))
        {
            // A frame is a navigation, but not a top-level one: nobody saw the page it loaded.
            var framed = dest.ToLowerInvariant() is "iframe" or "frame" or "embed" or "object" or "fencedframe";
            return new Verdict(framed ? HiddenClick : CookieStuffing, $"Sec-Fetch-Dest: {dest}");
        }
        if (r.FetchMode is { Length: > 0 } mode && !mode.Equals("navigate", StringComparison.OrdinalIgnoreCase)
            && !mode.Equals("nested-navigate", StringComparison.OrdinalIgnoreCase))
        {
            return new Verdict(CookieStuffing, $"Sec-Fetch-Mode: {mode}");
        }
        if (referrerHost is { } host && LinkTargets.IsAllowed(host, ownHosts))
        {
            return new Verdict(ExtensionInjection, $"Referer on the program's own host {host}");
        }
        return null;
    }

    private static bool IsPrefetch(string? value) => Has(value, "prefetch") || Has(value, "prerender");

    private static bool Has(string? value, string token) => value is not null && value.Contains(token, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The referrer's host in lower-case ASCII, or null when there is none or it is not an http(s) URL. Read from the text
    /// itself (scheme, optional user info, host up to the port or path): the redirect calls it on every click, and a full
    /// <see cref="Uri"/> parse costs more than the rest of the checks together. Browsers send hosts in ASCII (punycode).
    /// </summary>
    public static string? HostOf(string? referrer)
    {
        if (string.IsNullOrEmpty(referrer) || referrer.Length > 4096) return null;
        var text = referrer.AsSpan();
        int start;
        if (text.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) start = 8;
        else if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) start = 7;
        else return null;
        var rest = text[start..];
        var end = rest.IndexOfAny('/', '?', '#');
        var authority = end < 0 ? rest : rest[..end];
        var at = authority.LastIndexOf('@');
        if (at >= 0) authority = authority[(at + 1)..];
        if (authority.StartsWith("[")) return null; // an IPv6 literal is no program's host
        var colon = authority.IndexOf(':');
        var host = (colon < 0 ? authority : authority[..colon]).TrimEnd('.');
        if (host.IsEmpty || host.ContainsAnyExcept(HostCharacters)) return null;
        return host.ContainsAnyInRange('A', 'Z') ? host.ToString().ToLowerInvariant() : host.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> HostCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");

    /// <summary>
    /// Pop-under and click-under networks (E4 "pop/clickunder traffic straight to affiliate links"): a click whose referrer is
    /// one of them (or a subdomain) came from a pop. Publishers' own sites never are.
    /// </summary>
    public static readonly IReadOnlySet<string> PopNetworks = new HashSet<string>(StringComparer.Ordinal)
    {
        "popads.net", "popcash.net", "propellerads.com", "adsterra.com", "clickadu.com", "hilltopads.net", "exoclick.com",
        "popmyads.com", "admaven.com", "ad-maven.com", "richads.com", "clickaine.com", "trafficstars.com", "juicyads.com",
        "onclickads.net", "popunder.net", "adcash.com", "galaksion.com", "monetag.com", "zeropark.com",
    };

    /// <summary>Query parameters a search engine or an ad's tracking template adds to a paid-search click.</summary>
    private static readonly string[] PaidSearchIds = ["gclid", "gbraid", "wbraid", "msclkid", "yclid"];

    /// <summary>Where ad templates put the search keyword (ValueTrack {keyword}, UTM, Bing {QueryString}).</summary>
    private static readonly string[] KeywordParameters = ["utm_term", "keyword", "kw", "q", "query", "search", "term"];

    /// <summary>The click's source signal, if it has one: paid search (with the keyword when the URL carries one), or a pop network referrer.</summary>
    public static SourceSignal? Signal(in RequestShape r) => Signal(r, HostOf(r.Referrer));

    private static SourceSignal? Signal(in RequestShape r, string? referrerHost)
    {
        // gclid, yclid / msclkid / gbraid, wbraid: a cheap look before the query is parsed.
        if (r.Query is { Length: > 1 } query && (query.Contains("clid=", StringComparison.OrdinalIgnoreCase) || query.Contains("clkid=", StringComparison.OrdinalIgnoreCase)
            || query.Contains("braid=", StringComparison.OrdinalIgnoreCase)
            || query.Contains("utm_medium=", StringComparison.OrdinalIgnoreCase)))
        {
            var parameters = ParseQuery(query);
            var paid = PaidSearchIds.FirstOrDefault(parameters.ContainsKey);
            if (paid is null && parameters.TryGetValue("utm_medium", out var medium)
                && medium.ToLowerInvariant() is "cpc" or "ppc" or "paidsearch" or "paid_search" or "sem")
            {
                paid = $"utm_medium={medium}";
            }
            if (paid is not null)
            {
                var keyword = KeywordParameters.Select(k => parameters.GetValueOrDefault(k)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
                var detail = keyword is null ? paid : $"{paid}; keyword={keyword}";
                return new SourceSignal(SourceSignal.PaidSearch, detail.Length > 300 ? detail[..300] : detail);
            }
        }
        if (referrerHost is { } host && IsPopNetwork(host)) return new SourceSignal(SourceSignal.PopReferrer, host);
        return null;
    }

    /// <summary>A query string's parameters (first value of each name, lower-case names), percent- and plus-decoded.</summary>
    private static Dictionary<string, string> ParseQuery(string query)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
            parameters.TryAdd(name, eq < 0 ? "" : Decode(pair[(eq + 1)..]));
        }
        return parameters;

        static string Decode(string text)
        {
            try { return Uri.UnescapeDataString(text.Replace('+', ' ')); }
            catch (UriFormatException) { return text; }
        }
    }

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> PopLookup =
        ((HashSet<string>)PopNetworks).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Whether the host, or a domain above it, is a listed pop network (no allocation).</summary>
    private static bool IsPopNetwork(string host)
    {
        var h = host.AsSpan();
        while (true)
        {
            if (PopLookup.Contains(h)) return true;
            var dot = h.IndexOf('.');
            if (dot < 0 || h[(dot + 1)..].IndexOf('.') < 0) return false;
            h = h[(dot + 1)..];
        }
    }

    /// <summary>The keyword of a paid-search signal's detail, if it carried one.</summary>
    public static string? KeywordOf(string detail)
    {
        var at = detail.IndexOf("keyword=", StringComparison.Ordinal);
        return at < 0 ? null : detail[(at + "keyword=".Length)..];
    }
}

/// <summary>
/// Repeats (A6 "click spamming"): more than the program's limit of clicks by one visitor, or from one IP address, on one
/// publisher's links within the program's window. Counted in memory on each node (clicks that land on other nodes are not
/// counted together) per (publisher, visitor) and (publisher, address) in fixed windows that start at a key's first click,
/// in two generations dropped whole, like <see cref="DuplicateClicks"/>. The clicks past the limit are invalid; the first
/// ones stay valid (a spammer's first clicks are the publisher-level analytics' to judge).
/// </summary>
public sealed class ClickSpam(int capacity = 1_000_000)
{
    private readonly Lock _gate = new();
    private Dictionary<ulong, (long Start, int Count)> _current = [];
    private Dictionary<ulong, (long Start, int Count)> _previous = [];
    private long _since;
    private long _generation = TimeSpan.FromMinutes(10).Ticks;

    public Verdict? Count(string publisherId, string? visitor, string? ip, DateTimeOffset at, Programs.ClickSpamLimits limits)
    {
        var now = at.UtcTicks;
        var window = limits.Window.Ticks;
        lock (_gate)
        {
            _generation = Math.Max(_generation, window);
            if (now - _since >= _generation || _current.Count >= capacity)
            {
                (_previous, _current) = (_current, _previous);
                _current.Clear();
                _since = now;
            }
            var byVisitor = visitor is null ? 0 : Bump(Key("v", publisherId, visitor), now, window);
            var byAddress = ip is null ? 0 : Bump(Key("a", publisherId, ip), now, window);
            if (byVisitor > limits.VisitorClicks)
            {
                return new Verdict(ClickSpamReason, $"{byVisitor} clicks of one visitor on this publisher within {limits.Window.TotalSeconds:0} s (limit {limits.VisitorClicks})");
            }
            if (byAddress > limits.AddressClicks)
            {
                return new Verdict(ClickSpamReason, $"{byAddress} clicks from {ip} on this publisher within {limits.Window.TotalSeconds:0} s (limit {limits.AddressClicks})");
            }
            return null;
        }
    }

    public const string ClickSpamReason = "click_spam";

    private int Bump(ulong key, long now, long window)
    {
        // One hash look-up in the current generation; the previous one only for a key not seen since the swap.
        ref var entry = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_current, key, out var exists);
        if (!exists && _previous.Count > 0 && _previous.Remove(key, out var older)) entry = older;
        entry = entry.Count == 0 || now - entry.Start >= window || now < entry.Start ? (now, 1) : (entry.Start, entry.Count + 1);
        return entry.Count;
    }

    private static ulong Key(string kind, string publisher, string value)
    {
        var hash = 14695981039346656037UL;
        foreach (var part in (ReadOnlySpan<string>)[kind, publisher, value])
        {
            foreach (var c in part) hash = (hash ^ c) * 1099511628211;
            hash = (hash ^ 0x1F) * 1099511628211;
        }
        return hash;
    }
}
