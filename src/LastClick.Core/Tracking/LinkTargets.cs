using System.Globalization;
using LastClick.Common;

namespace LastClick.Tracking;

/// <summary>
/// F1, F2: a deep link's destination must be an http(s) URL on one of the program's allowed hosts, and the
/// redirect built from it can never be turned into an open redirect. Anything ambiguous is refused rather than
/// repaired: user info, backslashes, control characters and white space, scheme-relative or scheme-less forms,
/// IP literals, odd ports, percent-encoding in the host, hosts that only end like an allowed one.
/// </summary>
public static class LinkTargets
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>The destination, normalized (https or http, lower-case ASCII host, no default port), or a problem naming <paramref name="field"/>.</summary>
    public static string Validate(string? destination, IReadOnlyList<string> allowedHosts, string field = "destination")
    {
        if (string.IsNullOrEmpty(destination)) throw ProblemException.Invalid(field, "is required");
        if (destination.Length > 2048) throw ProblemException.Invalid(field, "is longer than 2,048 characters");
        foreach (var c in destination)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\')
            {
                throw ProblemException.Invalid(field, "must not contain white space, control characters or backslashes");
            }
        }
        var schemeEnd = destination.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd > 0 ? destination[..schemeEnd] : "";
        if (!scheme.Equals("https", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            throw ProblemException.Invalid(field, "must be an absolute http or https URL");
        }
        var rest = destination[(schemeEnd + 3)..];
        var authorityEnd = rest.IndexOfAny(['/', '?', '#']);
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        if (authority.Length == 0 || authority.Contains('@', StringComparison.Ordinal) || authority.Contains('%', StringComparison.Ordinal))
        {
            throw ProblemException.Invalid(field, "must name its host plainly (no user info, no percent-encoding)");
        }
        if (authorityEnd >= 0 && rest.AsSpan(authorityEnd).StartsWith("//", StringComparison.Ordinal))
        {
            throw ProblemException.Invalid(field, "must not start its path with //");
        }

        var host = authority;
        var colon = authority.LastIndexOf(':');
        if (colon >= 0)
        {
            var port = authority[(colon + 1)..];
            var expected = scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? "443" : "80";
            if (port != expected) throw ProblemException.Invalid(field, "must use the scheme's default port");
            host = authority[..colon];
        }
        string ascii;
        try
        {
            ascii = Idn.GetAscii(host.TrimEnd('.')).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            throw ProblemException.Invalid(field, $"'{host}' is not a valid host name");
        }
        if (ascii.Length == 0 || host.EndsWith("..", StringComparison.Ordinal) || System.Net.IPAddress.TryParse(ascii.Trim('[', ']'), out _)
            || ascii.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            throw ProblemException.Invalid(field, "must name a host, not an IP address");
        }
        if (!IsAllowed(ascii, allowedHosts))
        {
            throw ProblemException.Invalid(field, $"host '{ascii}' is not one of the program's hosts ({string.Join(", ", allowedHosts)})");
        }

        var pathAndQuery = authorityEnd < 0 ? "/" : rest[authorityEnd..];
        if (pathAndQuery[0] != '/') pathAndQuery = "/" + pathAndQuery;
        var normalized = $"{scheme.ToLowerInvariant()}://{ascii}{pathAndQuery}";
        // A last check with the framework's own parser: whatever a browser makes of the result, its host is ours.
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || !uri.IdnHost.Equals(ascii, StringComparison.Ordinal) || uri.UserInfo.Length > 0)
        {
            throw ProblemException.Invalid(field, "is not a well-formed URL");
        }
        return uri.AbsoluteUri;
    }

    /// <summary>Exact host, or a subdomain of a "*.example.com" entry (not example.com itself, not evil-example.com).</summary>
    public static bool IsAllowed(string asciiHost, IReadOnlyList<string> allowedHosts)
    {
        foreach (var entry in allowedHosts)
        {
            var allowed = entry.ToLowerInvariant();
            if (allowed.StartsWith("*.", StringComparison.Ordinal))
            {
                if (asciiHost.Length > allowed.Length - 1 && asciiHost.AsSpan().EndsWith(allowed.AsSpan(1), StringComparison.Ordinal)) return true;
            }
            else if (asciiHost == allowed)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The redirect's Location: the destination with <c>lc_click</c> appended to its query (before any fragment).</summary>
    public static string WithClickId(string normalizedDestination, string clickId)
    {
        var fragment = normalizedDestination.IndexOf('#', StringComparison.Ordinal);
        var head = fragment < 0 ? normalizedDestination : normalizedDestination[..fragment];
        var tail = fragment < 0 ? "" : normalizedDestination[fragment..];
        var separator = head.Contains('?', StringComparison.Ordinal) ? (head.EndsWith('?') || head.EndsWith('&') ? "" : "&") : "?";
        return $"{head}{separator}lc_click={Uri.EscapeDataString(clickId)}{tail}";
    }
}
