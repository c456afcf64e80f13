using System.Security.Cryptography;
using System.Text;
using LastClick.Common;
using LastClick.Data;

namespace LastClick.Access;

public enum KeyRole { Operator, Marketplace, Publisher }

/// <summary>Who a key speaks for.</summary>
public sealed record Caller(KeyRole Role, string? PublisherId, string KeyPrefix);

/// <summary>
/// API keys: <c>lc_{prefix}_{secret}</c>, 256 random bits. Only a SHA-256 of the key is stored (a slow password hash
/// adds nothing for a random 256-bit secret); the prefix names the key in lists and logs.
/// </summary>
public sealed class ApiKeys(Store store, TimeProvider clock)
{
    private const int PrefixLength = 12;

    public static string Name(KeyRole role) => role.ToString().ToLowerInvariant();

    /// <summary>Creates a key and returns it; this is the only time the whole key is shown.</summary>
    public string Create(KeyRole role, string? publisherId = null, string? label = null, string? actor = null) => store.InSession(s =>
    {
        label = string.IsNullOrWhiteSpace(label) ? null : label.Trim();
        if (label is { Length: > 100 }) throw ProblemException.Invalid("label", "at most 100 characters");
        if ((role == KeyRole.Publisher) != (publisherId is not null))
        {
            throw ProblemException.Invalid("publisher", role == KeyRole.Publisher ? "a publisher key names its publisher" : "only a publisher key names a publisher");
        }
        if (publisherId is not null && !Publishers.PublisherService.Exists(s, publisherId))
        {
            throw new ProblemException(Problem.NotFound("publisher", $"unknown publisher '{publisherId}'"));
        }
        var prefix = RandomNumberGenerator.GetHexString(PrefixLength, lowercase: true);
        var key = $"lc_{prefix}_{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";
        var now = clock.GetUtcNow();
        s.Execute("INSERT INTO api_keys (prefix, key_hash, role, publisher_id, created_at, label) VALUES (@prefix, @hash, @role, @publisherId, @at, @label)",
            new { prefix, hash = Hash(key), role = Name(role), publisherId, at = Times.ToMicros(now), label });
        if (actor is not null) AuditLog.Append(s, now, actor, "key.created", $"key:{prefix}", $"{Name(role)} key{(publisherId is null ? "" : $" of {publisherId}")}{(label is null ? "" : $" '{label}'")}");
        return key;
    });

    /// <summary>A key as a list shows it: the prefix, never the secret.</summary>
    public sealed record KeyView(string Prefix, string Role, string? PublisherId, string? Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

    /// <summary>The keys of a publisher (or, with null, the operator's and marketplace's keys), newest first.</summary>
    public IReadOnlyList<KeyView> List(string? publisherId) => store.Read(s => (IReadOnlyList<KeyView>)s.Query<ListRow>(publisherId is null
            ? "SELECT prefix, role, publisher_id, label, created_at, revoked_at FROM api_keys WHERE publisher_id IS NULL ORDER BY created_at DESC, prefix"
            : "SELECT prefix, role, publisher_id, label, created_at, revoked_at FROM api_keys WHERE publisher_id = @publisherId ORDER BY created_at DESC, prefix",
            new { publisherId })
        .Select(r => new KeyView(r.Prefix, r.Role, r.PublisherId, r.Label, Times.FromMicros(r.CreatedAt), r.RevokedAt is { } at ? Times.FromMicros(at) : null)).ToList());

    /// <summary>
    /// Revokes a key of <paramref name="publisherId"/> (null: an operator or marketplace key). Another owner's key is
    /// not found. This node forgets the key at once; other nodes within <see cref="Remembered"/>.
    /// </summary>
    public void Revoke(string prefix, string? publisherId, string actor)
    {
        store.InSession(s =>
        {
            var revoked = s.Execute(publisherId is null
                    ? "UPDATE api_keys SET revoked_at = @at WHERE prefix = @prefix AND publisher_id IS NULL AND revoked_at IS NULL"
                    : "UPDATE api_keys SET revoked_at = @at WHERE prefix = @prefix AND publisher_id = @publisherId AND revoked_at IS NULL",
                new { prefix, publisherId, at = Times.ToMicros(clock.GetUtcNow()) });
            if (revoked == 0) throw new ProblemException(Problem.NotFound("prefix", $"no active key '{prefix}'"));
            AuditLog.Append(s, clock.GetUtcNow(), actor, "key.revoked", $"key:{prefix}", publisherId is null ? "" : $"of {publisherId}");
        });
        foreach (var (hash, known) in _verified)
        {
            if (known.Caller.KeyPrefix == prefix) _verified.TryRemove(hash, out _);
        }
    }

    /// <summary>How long a verified key is trusted without asking the store again (a revocation takes effect within it).</summary>
    public static readonly TimeSpan Remembered = TimeSpan.FromSeconds(30);

    // SHA-256 of a verified key → its caller and when it was verified; bounded. Unknown keys are never remembered.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (Caller Caller, DateTimeOffset At)> _verified = new(StringComparer.Ordinal);

    /// <summary>The caller a key belongs to, or null for an unknown, malformed or revoked key.</summary>
    public Caller? Verify(string? key)
    {
        if (key is null || !key.StartsWith("lc_", StringComparison.Ordinal) || key.Length < PrefixLength + 5 || key[3 + PrefixLength] != '_') return null;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var hex = Convert.ToHexStringLower(hash);
        var now = clock.GetUtcNow();
        if (_verified.TryGetValue(hex, out var known) && now - known.At < Remembered) return known.Caller;
        var prefix = key[3..(3 + PrefixLength)];
        var row = store.Read(s => s.QuerySingleOrDefault<KeyRow>(
            "SELECT key_hash, role, publisher_id, revoked_at FROM api_keys WHERE prefix = @prefix", new { prefix }));
        if (row is null || row.RevokedAt is not null) return null;
        if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(row.KeyHash), hash)) return null;
        var caller = new Caller(Enum.Parse<KeyRole>(row.Role, ignoreCase: true), row.PublisherId, prefix);
        if (_verified.Count >= 10_000) _verified.Clear();
        _verified[hex] = (caller, now);
        return caller;
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class ListRow
    {
        public string Prefix { get; set; } = "";
        public string Role { get; set; } = "";
        public string? PublisherId { get; set; }
        public string? Label { get; set; }
        public long CreatedAt { get; set; }
        public long? RevokedAt { get; set; }
    }

    private sealed class KeyRow
    {
        public string KeyHash { get; set; } = "";
        public string Role { get; set; } = "";
        public string? PublisherId { get; set; }
        public long? RevokedAt { get; set; }
    }
#pragma warning restore CA1812
}
