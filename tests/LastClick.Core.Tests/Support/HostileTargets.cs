using LastClick.Tracking;

namespace LastClick.Tests.Support;

/// <summary>Hostile link destinations (F2, never an open redirect): schemes × templates × foreign hosts, mangled.</summary>
public static class HostileTargets
{
    private static readonly string[] Inserts = ["\t", "\r", "\n", "\0", "\\", " ", "%0d%0a", "@", "%2e"];

    public static IEnumerable<string> Generate(int seed = 20261121)
    {
            string[] good = ["aliexpress.com", "www.aliexpress.com"];
            string[] evil = ["evil.com", "aliexpress.com.evil.com", "evilaliexpress.com", "aliexpress.co", "xn--liexpress-zyh.com", "аliexpress.com",
                "127.0.0.1", "[::1]", "2130706433", "0x7f000001", "localhost", "evil.com.", "aliexpress.com..evil.com"];
            string[] schemes = ["https", "http", "HTTPS", "hTtP", "javascript", "data", "ftp", "", "https:", "//"];
            string[] templates =
            [
                "{s}://{e}/path", "//{e}", "{s}:{e}", "{s}:/{e}", "{s}:\\\\{e}", "{s}://{g}@{e}", "{s}://{g}:pass@{e}", "{s}://{e}\\@{g}",
                "{s}://{e}#@{g}", "{s}://{e}?@{g}", "{s}://{g}%40{e}", "{s}://{g}%2F@{e}", "{s}://%65vil.com", "{s}://{e}%00.{g}",
                "{s}://{g}\r\nLocation: https://{e}", "{s}://{g}/\t//{e}", "{s}:///{e}", "{s}://{g}:80@{e}", "{s}://{e}:443", "{s}://{g}.{e}",
                " {s}://{e}", "{s}://{g}//{e}", "{s}://{e}/{g}", "{s}://{g}\\{e}", "{s}://{e}\u3002{g}", "{s}://{g}%5C@{e}", "{s}://{g}\u0000@{e}",
                "{s}://{e}/%2F%2F{g}", "{s}://{e}.{g}.{e}",
            ];
            var random = new Random(seed);
            string Mangle(string url) => random.Next(6) switch
            {
                0 => url,
                1 => url.ToUpperInvariant(),
                2 => url.Insert(random.Next(url.Length + 1), Inserts[random.Next(Inserts.Length)]),
                3 => url.Replace("/", "%2F", StringComparison.Ordinal),
                4 => url.Replace(".", "%2E", StringComparison.Ordinal),
                _ => url.Replace("//", "/\\", StringComparison.Ordinal),
            };

        foreach (var s in schemes)
        {
            foreach (var t in templates)
            {
                foreach (var e in evil)
                {
                    yield return Mangle(t.Replace("{s}", s, StringComparison.Ordinal).Replace("{e}", e, StringComparison.Ordinal)
                        .Replace("{g}", good[random.Next(good.Length)], StringComparison.Ordinal));
                }
            }
        }
    }

    /// <summary>An accepted destination's Location stays on the program's hosts however it is read.</summary>
    public static void AssertStaysOnHosts(string url, string location, IReadOnlyList<string> hosts)
    {
        Assert.True(Uri.TryCreate(location, UriKind.Absolute, out var uri), $"{url} → {location}");
        Assert.True(LinkTargets.IsAllowed(uri!.IdnHost, hosts), $"{url} → {location}");
        Assert.Empty(uri.UserInfo);
        Assert.DoesNotContain(location, c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\');
        Assert.True(uri.Scheme is "https" or "http", location);
    }
}
