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

    public static Verdict? Judge(in RequestShape r, IReadOnlyList<string> ownHosts)
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
        if (HostOf(r.Referrer) is { } host && LinkTargets.IsAllowed(host, ownHosts))
        {
            return new Verdict(ExtensionInjection, $"Referer on the program's own host {host}");
        }
        return null;
    }

    private static bool IsPrefetch(string? value) => Has(value, "prefetch") || Has(value, "prerender");

    private static bool Has(string? value, string token) => value is not null && value.Contains(token, StringComparison.OrdinalIgnoreCase);

    /// <summary>The referrer's host in lower-case ASCII, or null when there is none or it is not an http(s) URL.</summary>
    public static string? HostOf(string? referrer)
    {
        if (string.IsNullOrEmpty(referrer) || referrer.Length > 4096) return null;
        if (!Uri.TryCreate(referrer, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)) return null;
        return uri.IdnHost.ToLowerInvariant().TrimEnd('.');
    }

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
    public static SourceSignal? Signal(in RequestShape r)
    {
        if (r.Query is { Length: > 1 } query)
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
        if (HostOf(r.Referrer) is { } host && IsPopNetwork(host)) return new SourceSignal(SourceSignal.PopReferrer, host);
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

    private static bool IsPopNetwork(string host)
    {
        for (var h = host; ; )
        {
            if (PopNetworks.Contains(h)) return true;
            var dot = h.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0 || h.IndexOf('.', dot + 1) < 0) return false;
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
        if (!_current.TryGetValue(key, out var entry) && _previous.TryGetValue(key, out entry)) _previous.Remove(key);
        entry = entry.Count == 0 || now - entry.Start >= window || now < entry.Start ? (now, 1) : (entry.Start, entry.Count + 1);
        _current[key] = entry;
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
