using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LastClick.Notifications;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Notifications;

/// <summary>The verification snippets in docs/postbacks.md verify LastClick's signatures: the C# one as compiled here, the Python one run by python3.</summary>
public sealed partial class PostbackDocsTests
{
    // The C# snippet of docs/postbacks.md, word for word (the test below checks the document still carries it).
    static bool Verify(string header, string payload, string[] secrets, DateTimeOffset now)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        if (!long.TryParse(parts["t"], out var t) || Math.Abs(now.ToUnixTimeSeconds() - t) > 300) return false;
        return secrets.Any(secret =>
        {
            var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{payload}"));
            return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(mac)), Encoding.ASCII.GetBytes(parts["v1"]));
        });
    }

    private static string Docs => File.ReadAllText(Path.Combine(RepoRoot, "docs", "postbacks.md"));

    private static string Snippet(string language) =>
        Regex.Match(Docs, $"```{language}\\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;

    [Fact]
    public void I2_the_csharp_snippet_is_the_code_tested_here_and_verifies_a_signature()
    {
        var source = File.ReadAllText(Path.Combine(RepoRoot, "tests", "LastClick.Core.Tests", "Notifications", "PostbackDocsTests.cs"));
        var tested = Regex.Match(source, @"    static bool Verify\(.*?\n    }\n", RegexOptions.Singleline).Value;
        Assert.Equal(Snippet("csharp").ReplaceLineEndings("\n").Trim(), string.Join("\n", tested.Split('\n').Select(l => l.Length >= 4 ? l[4..] : l)).Trim());

        var at = T("2026-02-02T09:00:00Z");
        var header = Postbacks.Sign("whsec_a", at.ToUnixTimeSeconds(), "/pb?o=1");
        Assert.True(Verify(header, "/pb?o=1", ["whsec_b", "whsec_a"], at.AddSeconds(10)));
        Assert.False(Verify(header, "/pb?o=2", ["whsec_a"], at));
        Assert.False(Verify(header, "/pb?o=1", ["whsec_a"], at.AddSeconds(301)));
    }

    [Fact]
    public void I2_the_python_snippet_verifies_lastclicks_signatures()
    {
        var at = DateTimeOffset.UtcNow;
        var body = """{"order_id":"o-1","status":"pending"}""";
        var header = Postbacks.Sign("whsec_a", at.ToUnixTimeSeconds(), body);
        var script = Snippet("python") + $$"""

            import sys
            header, payload = sys.argv[1], sys.argv[2]
            print(verify(header, payload, ["whsec_b", "whsec_a"]), verify(header, payload + "x", ["whsec_a"]), verify(header, payload, ["whsec_b"]),
                  verify(header, payload, ["whsec_a"], now=time.time() + 301))
            """;
        var file = Path.Combine(Path.GetTempPath(), $"lastclick-verify-{Guid.NewGuid():N}.py");
        File.WriteAllText(file, script);
        try
        {
            using var python = Process.Start(new ProcessStartInfo("python3", [file, header, body]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = python.StandardOutput.ReadToEnd().Trim();
            var error = python.StandardError.ReadToEnd();
            python.WaitForExit();
            Assert.True(python.ExitCode == 0, error);
            Assert.Equal("True False False False", output);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
