using System.IO.Compression;
using System.Security.Cryptography;

namespace LastClick.Payouts;

/// <summary>
/// A file kept in the store gzip-compressed, with the SHA-256 and size of its own bytes: written through a stream (no
/// copy of the whole file in memory), read back as a stream that decompresses.
/// </summary>
internal sealed record StoredFile(byte[] Compressed, long Size, string Sha256)
{
    public static StoredFile Write(Action<Stream> write)
    {
        using var compressed = new MemoryStream();
        using var sha = SHA256.Create();
        var counter = new CountingStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        using (var hashing = new CryptoStream(gzip, sha, CryptoStreamMode.Write, leaveOpen: true))
        using (var counting = counter.Over(hashing))
        {
            write(counting);
            counting.Flush();
            hashing.FlushFinalBlock();
        }
        return new StoredFile(compressed.ToArray(), counter.Count, Convert.ToHexStringLower(sha.Hash!));
    }

    public Stream Open() => new GZipStream(new MemoryStream(Compressed, writable: false), CompressionMode.Decompress);

    /// <summary>Counts the bytes written through it to the stream it wraps.</summary>
    private sealed class CountingStream : Stream
    {
        private Stream _inner = Null;

        public long Count { get; private set; }

        public CountingStream Over(Stream inner)
        {
            _inner = inner;
            return this;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            _inner.Write(buffer, offset, count);
            Count += count;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _inner.Write(buffer);
            Count += buffer.Length;
        }

        public override void Flush() => _inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Count;
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
