using System.Diagnostics;
using System.Text.Json;
using LastClick.Tests.Support;

namespace LastClick.Tests.Server;

/// <summary>The API's OpenAPI document (I1, issue 16): what integrators generate clients from, checked as they would.</summary>
public sealed class ApiDocumentTests : IAsyncLifetime
{
    private WebHost _host = null!;
    private JsonElement _document;
    private string _text = "";

    public async Task InitializeAsync()
    {
        _host = await WebHost.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(_host.BaseUrl) };
        _text = await http.GetStringAsync("/openapi/v1.json");
        _document = JsonDocument.Parse(_text).RootElement.Clone();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private IEnumerable<(string Method, string Path, JsonElement Operation)> Operations() =>
        _document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(op => op.Name is "get" or "post" or "put" or "patch" or "delete" or "head")
            .Select(op => (op.Name.ToUpperInvariant(), path.Name, op.Value)));

    [Fact]
    public void I1_every_operation_has_a_unique_operation_id_a_summary_a_success_and_its_security()
    {
        var operations = Operations().ToList();
        Assert.True(operations.Count > 80, $"{operations.Count} operations");
        var ids = operations.Select(o => o.Operation.GetProperty("operationId").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(operations, o => Assert.True(o.Operation.TryGetProperty("summary", out _), $"{o.Method} {o.Path} has no summary"));
        Assert.All(operations, o => Assert.True(o.Operation.GetProperty("responses").EnumerateObject().Any(r => r.Name[0] is '2' or '3'),
            $"{o.Method} {o.Path} has no success response"));
        // Every success has its schema, unless it has no body (204) or is a redirect.
        Assert.All(operations, o => Assert.True(o.Operation.GetProperty("responses").EnumerateObject()
                .Any(r => r.Name is "204" or "302" || (r.Name[0] == '2' && r.Value.TryGetProperty("content", out var content)
                    && content.EnumerateObject().All(media => media.Value.TryGetProperty("schema", out _)))),
            $"{o.Method} {o.Path}: no success response with a schema"));

        var scheme = _document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        foreach (var (method, path, operation) in operations)
        {
            var security = operation.GetProperty("security").EnumerateArray().ToList();
            var needsKey = path.StartsWith("/api/", StringComparison.Ordinal);
            Assert.True(needsKey == security.Any(r => r.TryGetProperty("bearer", out _)), $"{method} {path}: security {operation.GetProperty("security")}");
        }
    }

    [Fact]
    public void I1_request_bodies_and_query_parameters_are_declared_and_money_is_a_decimal_string()
    {
        JsonElement Operation(string method, string path) => Operations().Single(o => o.Method == method && o.Path == path).Operation;
        JsonElement Resolve(JsonElement schema) => schema.TryGetProperty("$ref", out var r)
            ? _document.GetProperty("components").GetProperty("schemas").GetProperty(r.GetString()!.Split('/')[^1]) : schema;

        var order = Resolve(Operation("POST", "/api/v1/marketplace/orders").GetProperty("requestBody").GetProperty("content")
            .GetProperty("application/json").GetProperty("schema"));
        Assert.Superset(new HashSet<string> { "id", "visitor", "clickId", "at", "currency", "deliveryCountry", "lines" },
            order.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet());
        var line = Resolve(order.GetProperty("properties").GetProperty("lines").GetProperty("items"));
        var price = line.GetProperty("properties").GetProperty("price");
        Assert.Equal("decimal", price.GetProperty("format").GetString());
        Assert.Contains("string", price.GetProperty("type").ToString(), StringComparison.Ordinal);

        foreach (var (method, path) in new[] { ("POST", "/api/v1/marketplace/events"), ("POST", "/api/v1/links"), ("PATCH", "/api/v1/links/{code}"),
                     ("POST", "/api/v1/claims"), ("POST", "/api/v1/operator/payouts"), ("PUT", "/api/v1/payout_details"), ("PUT", "/api/v1/postbacks") })
        {
            Assert.True(Operation(method, path).TryGetProperty("requestBody", out _), $"{method} {path} has no request body");
        }

        static HashSet<string> Parameters(JsonElement operation) =>
            operation.GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToHashSet();
        Assert.Superset(new HashSet<string> { "date_start", "date_end", "time_zone", "currency", "order_by", "subid1", "limit", "offset", "format" },
            Parameters(Operation("GET", "/api/v1/reports/{dimension}")));
        Assert.Contains("publisher", Parameters(Operation("GET", "/api/v1/operator/reports/{dimension}")));
        Assert.Superset(new HashSet<string> { "status", "program", "date_start", "date_end", "sub1", "limit", "offset" },
            Parameters(Operation("GET", "/api/v1/commissions")));
        var status = Operation("GET", "/api/v1/commissions").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "status");
        Assert.Contains("confirmed", status.GetProperty("schema").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task I1_money_and_rates_are_decimal_strings_in_every_answer()
    {
        var demo = LastClick.Server.Demo.Seed(_host.Platform, _host.Passwords);
        using var http = new HttpClient { BaseAddress = new Uri(_host.BaseUrl) };
        var publisher = new ApiClient(http, demo.PublisherKey);
        var commissions = (await publisher.GetAsync("/api/v1/commissions?limit=5")).Json;
        var first = commissions.EnumerateArray().First();
        Assert.Equal(JsonValueKind.String, first.GetProperty("fxRate").ValueKind);
        Assert.Equal(JsonValueKind.String, first.GetProperty("lines")[0].GetProperty("rate").ValueKind);
        Assert.Equal(JsonValueKind.String, first.GetProperty("commission").ValueKind);
        var balance = (await publisher.GetAsync("/api/v1/balance")).Json[0];
        foreach (var name in (string[])["pending", "confirmed", "payable", "paid", "balance"]) Assert.Equal(JsonValueKind.String, balance.GetProperty(name).ValueKind);
        var report = (await publisher.GetAsync("/api/v1/reports/month")).Json;
        Assert.Equal(JsonValueKind.String, report.GetProperty("totals").GetProperty("sales").ValueKind);
    }

    [Fact]
    public async Task I1_the_interactive_reference_is_served_at_docs_from_the_binary()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_host.BaseUrl) };
        var page = await http.GetStringAsync("/docs/");
        Assert.Contains("<title>LastClick API</title>", page, StringComparison.Ordinal);
        Assert.Contains("openapi/v1.json", page, StringComparison.Ordinal);
        using var script = await http.GetAsync("/docs/scalar.js");
        Assert.Equal(System.Net.HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000);
    }

    /// <summary>Redocly's recommended rules give no error (`.ci/run` installs @redocly/cli into .ci/node).</summary>
    [Fact]
    public async Task I1_redocly_recommended_rules_find_no_error()
    {
        var redocly = Path.Combine(Cli.CliTests.Root, ".ci", "node", "node_modules", ".bin", "redocly");
        if (!File.Exists(redocly))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") is "true", $"{redocly} is missing: .ci/run installs it");
            Console.Error.WriteLine($"Redocly lint did not run: {redocly} is missing (npm install --prefix .ci/node @redocly/cli, as .ci/run does)");
            return;
        }
        var file = Path.Combine(Path.GetTempPath(), $"lastclick-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, _text);
        try
        {
            using var process = Process.Start(new ProcessStartInfo(redocly, ["lint", file, "--format=stylish"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await output + await errors);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
