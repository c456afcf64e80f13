using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;

namespace LastClick.Geo;

/// <summary>
/// A compact IP range → value table (the format written by tools/ipdata/build.mjs): sorted range starts and a
/// value for each, gaps stored as 0. A lookup is one binary search; the table is loaded once.
/// </summary>
public sealed class IpRangeTable
{
    private readonly uint[] _v4Starts;
    private readonly uint[] _v4Values;
    private readonly ulong[] _v6Starts;
    private readonly uint[] _v6Values;

    private IpRangeTable(uint[] v4Starts, uint[] v4Values, ulong[] v6Starts, uint[] v6Values)
    {
        (_v4Starts, _v4Values, _v6Starts, _v6Values) = (v4Starts, v4Values, v6Starts, v6Values);
    }

    public int RangeCount => _v4Starts.Length + _v6Starts.Length;

    public static IpRangeTable Read(Stream gzipped)
    {
        using var gz = new GZipStream(gzipped, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        var b = ms.GetBuffer().AsSpan(0, (int)ms.Length);
        if (b.Length < 6 || b[0] != 'L' || b[1] != 'C' || b[2] != 'I' || b[3] != 'P' || b[4] != 1) throw new InvalidDataException("not a LastClick IP table (LCIP v1)");
        int width = b[5], o = 6;
        var n4 = (int)BinaryPrimitives.ReadUInt32LittleEndian(b[o..]); o += 4;
        var v4s = new uint[n4];
        for (var i = 0; i < n4; i++, o += 4) v4s[i] = BinaryPrimitives.ReadUInt32LittleEndian(b[o..]);
        var v4v = ReadValues(b, ref o, n4, width);
        var n6 = (int)BinaryPrimitives.ReadUInt32LittleEndian(b[o..]); o += 4;
        var v6s = new ulong[n6];
        for (var i = 0; i < n6; i++, o += 8) v6s[i] = BinaryPrimitives.ReadUInt64LittleEndian(b[o..]);
        var v6v = ReadValues(b, ref o, n6, width);
        return new IpRangeTable(v4s, v4v, v6s, v6v);
    }

    private static uint[] ReadValues(Span<byte> b, ref int o, int n, int width)
    {
        var values = new uint[n];
        for (var i = 0; i < n; i++, o += width)
        {
            values[i] = width == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(b[o..]) : BinaryPrimitives.ReadUInt32LittleEndian(b[o..]);
        }
        return values;
    }

    /// <summary>The value of the range holding the address, or 0 when none does.</summary>
    public uint Find(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written)) return 0;
        if (address.AddressFamily == AddressFamily.InterNetwork && written == 4)
        {
            return Lookup(_v4Starts, _v4Values, BinaryPrimitives.ReadUInt32BigEndian(bytes));
        }
        return Lookup(_v6Starts, _v6Values, BinaryPrimitives.ReadUInt64BigEndian(bytes));
    }

    private static uint Lookup<T>(T[] starts, uint[] values, T key) where T : IComparable<T>
    {
        var i = Array.BinarySearch(starts, key);
        if (i < 0) i = ~i - 1;
        return i < 0 ? 0 : values[i];
    }
}
