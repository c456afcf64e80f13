using System.Collections.Concurrent;
using System.Globalization;
using LastClick.Tracking;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Tracking;

/// <summary>The redirect's click and visitor ids (F2): UUIDv7 from the click's instant, random bits from a buffered CSPRNG.</summary>
public sealed class ClickIdsTests
{
    [Fact]
    public void F2_an_id_is_a_uuid_v7_of_the_clicks_instant_that_the_partition_look_up_reads_back()
    {
        var at = T("2026-02-01T10:00:00.123Z");
        var id = ClickIds.Version7(at);
        Assert.Equal(7, id.Version);
        Assert.Equal(0b1000, id.Variant & 0b1100); // RFC 9562's variant: 10xx
        var text = ClickIds.New(at);
        Assert.Equal(32, text.Length);
        Assert.Equal(at.ToUnixTimeMilliseconds(), long.Parse(text.AsSpan(0, 12), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
        // The same layout as the runtime's own: its first 12 digits are the milliseconds, then the version.
        Assert.Equal(Guid.CreateVersion7(at).ToString("N")[..13], text[..13]);
        var micros = at.ToUnixTimeMilliseconds() * 1000;
        Assert.Equal((micros - 86_400_000_000L, micros + 86_400_000_000L), ClickPartitions.Window(text));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClickIds.New(T("1969-12-31T23:59:59Z")));
    }

    [Fact]
    public void F2_ids_made_at_the_same_instant_on_many_threads_never_repeat_and_their_random_bits_vary()
    {
        var at = T("2026-02-01T10:00:00Z");
        var seen = new ConcurrentDictionary<string, bool>();
        // Each thread goes through its buffer of random bytes several times (4 KB makes 409 ids).
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 5_000; i++) Assert.True(seen.TryAdd(ClickIds.New(at), true));
        });
        Assert.Equal(40_000, seen.Count);
        // Every hex digit of the random part takes many values (a buffer reused or left zero would not).
        var ids = seen.Keys.ToList();
        foreach (var position in new[] { 13, 14, 15, 17, 20, 25, 31 })
        {
            Assert.True(ids.Select(id => id[position]).Distinct().Count() >= 15, $"digit {position}");
        }
        Assert.True(ids.Select(id => id[16]).All(c => c is '8' or '9' or 'a' or 'b'));
    }
}
