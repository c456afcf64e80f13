using System.Diagnostics;
using System.Text.Json;
using LastClick.Server;
using LastClick.Tests.Support;

namespace LastClick.Tests.Server;

/// <summary>
/// An integrator's client generated from the API document (issue 16): openapi-typescript makes the types, tsc --strict
/// compiles GeneratedClient/client.ts against them (a call or a body the document does not describe fails the build),
/// and the compiled client makes a link, follows it, sends an order and its event, reads a filtered report and the
/// commission list — through openapi-fetch, against a live server. `.ci/run` installs the tools into .ci/node.
/// </summary>
// In the browser tests' collection: tsc and node take a core for seconds, and run beside Chromium they starved a
// browser test's sign-in past its 15 s timeout (seen once in CI). The collection runs its classes one at a time.
[Collection(ChromiumTests.Name)]
public sealed class ApiClientGenerationTests
{
    private static readonly string Tools = Path.Combine(Cli.CliTests.Root, ".ci", "node", "node_modules");

    [Fact]
    public async Task I1_a_typescript_client_generated_from_the_document_compiles_strictly_and_drives_the_api()
    {
        if (!File.Exists(Path.Combine(Tools, ".bin", "tsc")))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") is "true", $"{Tools} has no TypeScript: .ci/run installs it");
            Console.Error.WriteLine($"The generated-client test did not run: {Tools} lacks openapi-typescript and TypeScript (.ci/run installs them)");
            return;
        }
        await using var host = await WebHost.StartAsync();
        var demo = Demo.Seed(host.Platform, host.Passwords);
        var work = Directory.CreateTempSubdirectory("lastclick-client-");
        try
        {
            using (var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) })
            {
                await File.WriteAllTextAsync(Path.Combine(work.FullName, "v1.json"), await http.GetStringAsync("/openapi/v1.json"));
            }
            File.Copy(Path.Combine(Cli.CliTests.Root, "tests", "LastClick.Tests", "Server", "GeneratedClient", "client.ts"), Path.Combine(work.FullName, "client.ts"));
            await File.WriteAllTextAsync(Path.Combine(work.FullName, "package.json"), """{"type":"module"}""");
            Directory.CreateSymbolicLink(Path.Combine(work.FullName, "node_modules"), Tools);

            await Run(work, Path.Combine(Tools, ".bin", "openapi-typescript"), "v1.json", "-o", "schema.d.ts");
            await Run(work, Path.Combine(Tools, ".bin", "tsc"), "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext",
                "--skipLibCheck", "--types", "node", "--outDir", "out", "client.ts", "schema.d.ts");
            var output = await Run(work, "node", Path.Combine("out", "client.js"), host.BaseUrl, demo.MarketplaceKey, demo.PublisherKey);

            var result = JsonDocument.Parse(output).RootElement;
            Assert.Equal(302, result.GetProperty("redirect").GetInt32());
            Assert.True(result.GetProperty("visitor").GetBoolean());
            Assert.Equal(("pending", "pending", "USD"), (result.GetProperty("status").GetString(), result.GetProperty("afterEvent").GetString(), result.GetProperty("currency").GetString()));
            var commission = host.Platform.Orders.Find("ts-order-1")!;
            Assert.Equal(Demo.PublisherId, commission.Publisher);
            Assert.Equal(commission.Commission, result.GetProperty("commission").GetString());
            Assert.True(decimal.Parse(commission.Commission, System.Globalization.CultureInfo.InvariantCulture) > 0m);
            Assert.Equal((400, "lines[0].price"), (result.GetProperty("refused").GetInt32(), result.GetProperty("refusedField").GetString()));
            Assert.Equal((1, 1), (result.GetProperty("reportClicks").GetInt32(), result.GetProperty("reportOrders").GetInt32()));
            Assert.True(decimal.Parse(result.GetProperty("reportSales").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0m);
            Assert.Equal(["ts-order-1"], result.GetProperty("commissions").EnumerateArray().Select(c => c.GetString()));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Runs a tool in the folder; its standard output, or a failure with everything it said.</summary>
    private static async Task<string> Run(DirectoryInfo folder, string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = folder.FullName, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(file)} {string.Join(' ', arguments)}: exit {process.ExitCode}\n{await output}\n{await errors}");
        return await output;
    }
}
