using System.Security.Cryptography;

namespace LastClick.Tracking;

/// <summary>
/// The redirect's click and visitor ids: UUIDv7 (RFC 9562), 48 bits of Unix milliseconds and 74 random bits, laid out
/// as <see cref="Guid.CreateVersion7(DateTimeOffset)"/> lays them out (<see cref="ClickPartitions.Window"/> reads the
/// time back). The random bits come from the operating system's CSPRNG, as Guid's do, but 4 KB at a time into a buffer
/// of each thread: Guid asks for 16 bytes on every call, and on Linux that is a read of /dev/urandom, one system call
/// a click and two for a new visitor, about 3% of the redirect's CPU (docs/performance.md). Each random byte is used
/// once, so the ids are as hard to guess as Guid's.
/// </summary>
public static class ClickIds
{
    private const int BufferSize = 4096, RandomBytes = 10;

    [ThreadStatic] private static byte[]? t_random;
    [ThreadStatic] private static int t_next;

    /// <summary>A new id made at <paramref name="at"/>, as 32 hex digits (<c>"N"</c>).</summary>
    public static string New(DateTimeOffset at) => Version7(at).ToString("N");

    /// <summary>A new UUIDv7 made at <paramref name="at"/> (not before 1970).</summary>
    public static Guid Version7(DateTimeOffset at)
    {
        var ms = at.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(ms, nameof(at));
        var random = t_random;
        if (random is null || t_next > BufferSize - RandomBytes)
        {
            random = t_random ??= new byte[BufferSize];
            RandomNumberGenerator.Fill(random);
            t_next = 0;
        }
        var r = random.AsSpan(t_next, RandomBytes);
        t_next += RandomBytes;
        // Version 7 in the top nibble of c, variant 10 in the top bits of d: the rest of c, d and e…k are random.
        return new Guid((int)(ms >> 16), (short)ms, (short)(((r[0] << 8) | r[1]) & 0x0FFF | 0x7000), (byte)(r[2] & 0x3F | 0x80),
            r[3], r[4], r[5], r[6], r[7], r[8], r[9]);
    }
}
