using System.Diagnostics;
using System.Net.Sockets;
using MimeKit;

namespace LastClick.Tests.Support;

/// <summary>
/// A real SMTP server on loopback: Debian's aiosmtpd (package python3-aiosmtpd) writing each message it accepts to a
/// Maildir the tests read back with MimeKit.
/// </summary>
public sealed class SmtpServer : IDisposable
{
    public const string Executable = "/usr/bin/aiosmtpd";

    private readonly Process _process;
    private readonly string _root;

    private SmtpServer(Process process, string root, int port)
    {
        _process = process;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The settings that send the app's mail here.</summary>
    public string[] Settings => ["--Smtp:Host", "127.0.0.1", "--Smtp:Port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--Smtp:From", "Affiliate program <affiliates@lastclick.test>", "--Smtp:StartTls", "false"];

    public static Task<SmtpServer> StartAsync()
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: apt-get install python3-aiosmtpd");
        return ServerProcess.OnFreePortAsync(async port =>
        {
            var root = Path.Combine(Path.GetTempPath(), $"lastclick-smtp-{Guid.NewGuid():N}");
            var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", root }) psi.ArgumentList.Add(a);
            var process = Process.Start(psi)!;
            var errors = new System.Text.StringBuilder();
            process.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            var server = new SmtpServer(process, root, port);
            for (var i = 0; i < 100; i++)
            {
                if (process.HasExited)
                {
                    await process.WaitForExitAsync();
                    server.Dispose();
                    string said;
                    lock (errors) said = errors.ToString();
                    throw new IOException($"aiosmtpd exited: {said}", new SocketException((int)(said.Contains("in use", StringComparison.OrdinalIgnoreCase) ? SocketError.AddressAlreadyInUse : SocketError.SocketError)));
                }
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync("127.0.0.1", port);
                    return server;
                }
                catch (SocketException)
                {
                    await Task.Delay(100);
                }
            }
            server.Dispose();
            throw new TimeoutException("aiosmtpd did not listen in 10 s");
        });
    }

    /// <summary>Every message received so far, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var folder = Path.Combine(_root, "new");
        if (!Directory.Exists(folder)) return [];
        return Directory.GetFiles(folder).Select(f => (File: f, Time: File.GetLastWriteTimeUtc(f))).OrderBy(f => f.Time).ThenBy(f => f.File, StringComparer.Ordinal)
            .Select(f => MimeMessage.Load(f.File)).ToList();
    }

    /// <summary>Waits (at most 20 s) for a message that matches.</summary>
    public async Task<MimeMessage> WaitForAsync(Func<MimeMessage, bool> match)
    {
        for (var i = 0; i < 200; i++)
        {
            if (Messages().FirstOrDefault(match) is { } found) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException($"no such mail in 20 s; received: {string.Join(" | ", Messages().Select(m => $"{m.To} {m.Subject}"))}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
