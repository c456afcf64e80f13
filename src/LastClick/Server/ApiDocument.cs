using System.Globalization;
using System.Text;
using LastClick.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LastClick.Server;

/// <summary>A query parameter an endpoint reads by hand (reports, lists), declared so the API document shows it.</summary>
public sealed record QueryParameter(string Name, string Description, string Type = "string", string? Format = null,
    IReadOnlyList<string>? Values = null, bool Required = false)
{
    public static readonly QueryParameter Limit = new("limit", "Rows to return, 1 to 1000 (default 100)", "integer", "int32");
    public static readonly QueryParameter Offset = new("offset", "Rows to skip, 0 or more (default 0)", "integer", "int32");
}

/// <summary>The query parameters of an endpoint (metadata read by <see cref="ApiDocument"/>).</summary>
public sealed record QueryParameters(IReadOnlyList<QueryParameter> All);

/// <summary>
/// The JSON body an endpoint reads (metadata read by <see cref="ApiDocument"/>). Not <c>Accepts&lt;T&gt;</c>: that also
/// makes routing refuse a body sent without <c>Content-Type: application/json</c> with a 415, which clients that
/// worked before would meet.
/// </summary>
public sealed record RequestBody(Type Type);

/// <summary>Another media type a success may come as (CSV beside JSON): text, described as a string.</summary>
public sealed record AlsoAs(int Status, string ContentType);

/// <summary>The key role a group of endpoints needs (metadata read by <see cref="ApiDocument"/>).</summary>
public sealed record KeyRoleRequired(KeyRole Role);

public static class QueryParameterExtensions
{
    public static RouteHandlerBuilder WithQuery(this RouteHandlerBuilder builder, params QueryParameter[] parameters) =>
        builder.WithMetadata(new QueryParameters(parameters));

    public static RouteHandlerBuilder WithBody<T>(this RouteHandlerBuilder builder) => builder.WithMetadata(new RequestBody(typeof(T)));

    /// <summary>The success (<paramref name="status"/>) may also come as <paramref name="contentType"/> text.</summary>
    public static RouteHandlerBuilder AlsoAs(this RouteHandlerBuilder builder, string contentType, int status = StatusCodes.Status200OK) =>
        builder.WithMetadata(new AlsoAs(status, contentType));

    /// <summary>A list's paging: <c>limit</c> and <c>offset</c>, and any filters of its own.</summary>
    public static RouteHandlerBuilder WithPaging(this RouteHandlerBuilder builder, params QueryParameter[] filters) =>
        builder.WithMetadata(new QueryParameters([.. filters, QueryParameter.Limit, QueryParameter.Offset]));
}

/// <summary>
/// What the OpenAPI document (<c>/openapi/v1.json</c>) says beyond what the endpoints' own metadata gives: the API's
/// description, the bearer scheme and which operations need it, an operationId for every operation, the query
/// parameters read by hand, and money as decimal strings.
/// </summary>
internal static class ApiDocument
{
    public const string Scheme = "bearer";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "LastClick API",
                Version = "v1",
                Description = """
                    The API of a LastClick affiliate program: the marketplace sends orders, events, its own paid touches and its
                    catalog; publishers make links and feeds and read commissions, reports and balances; operators run the
                    program. Every request carries an API key as `Authorization: Bearer lc_…` of the role its path names
                    (marketplace, publisher, operator). Errors are RFC 9457 problem details with a stable `type` and the `field`
                    they concern (`lines[1].price`). Money is a decimal string in the currency's minor digits ("12.50"); an order,
                    a line, a refund, a claim or an adjustment is at most 1,000,000,000 of its currency. See docs/api.md for the
                    versioning policy.
                    """,
                License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
            };
            document.Servers = [new OpenApiServer { Url = "/", Description = "This server" }];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "lc_…",
                Description = "An API key made with `lastclick keys create` or by an operator (`POST /api/v1/operator/keys`).",
            };
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
            return Task.CompletedTask;
        });

        options.AddOperationTransformer(async (operation, context, cancellation) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestBody>().LastOrDefault() is { } body)
            {
                var schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellation).ConfigureAwait(false);
                context.Document!.AddComponent(body.Type.Name, schema);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = new OpenApiSchemaReference(body.Type.Name, context.Document) },
                    },
                };
            }
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            var description = context.Description;
            operation.OperationId ??= OperationId(description.HttpMethod ?? "GET", description.RelativePath ?? "");
            var route = System.Text.RegularExpressions.Regex.Replace(description.RelativePath ?? "", ":[a-z]+}", "}").TrimEnd('/');
            if (operation.Summary is null && Summaries.TryGetValue($"{description.HttpMethod} {route}", out var summary)) operation.Summary = summary;
            var metadata = description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<KeyRoleRequired>().LastOrDefault() is { } role)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, context.Document)] = [] }];
                operation.Description ??= $"Needs a {ApiKeys.Name(role.Role)} key.";
            }
            else
            {
                // Public: the redirect, feed files by their secret URL, the health check.
                operation.Security = [new OpenApiSecurityRequirement()];
            }
            // Every operation says what success looks like, if only in words (Redocly: operation-2xx-response).
            if (operation.Responses is { } responses && !responses.Keys.Any(k => k.StartsWith('2') || k.StartsWith('3')))
            {
                responses[description.HttpMethod == "DELETE" ? "204" : "200"] = new OpenApiResponse { Description = "Success: " + (operation.Summary ?? "the result") };
            }
            foreach (var also in metadata.OfType<AlsoAs>())
            {
                if (operation.Responses?.TryGetValue(also.Status.ToString(CultureInfo.InvariantCulture), out var success) == true && success is OpenApiResponse response)
                {
                    response.Content ??= new Dictionary<string, OpenApiMediaType>();
                    response.Content[also.ContentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                }
            }
            if (metadata.OfType<QueryParameters>().LastOrDefault() is { } query)
            {
                operation.Parameters ??= [];
                foreach (var p in query.All)
                {
                    if (operation.Parameters.Any(existing => existing.Name == p.Name)) continue;
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = p.Name,
                        In = ParameterLocation.Query,
                        Required = p.Required,
                        Description = p.Description,
                        Schema = Schema(p),
                    });
                }
            }
            return Task.CompletedTask;
        });

        // Money and rates are decimal strings on the wire (a JSON number would pass through a double in most clients).
        options.AddSchemaTransformer((schema, context, _) =>
        {
            // A field that may be null may be left out too: the readers treat both alike (and answers leave some out).
            if (schema.Required is { Count: > 0 } required && schema.Properties is { } properties)
            {
                foreach (var name in required.Where(n => properties.TryGetValue(n, out var p) && MayBeNull(p)).ToList()) required.Remove(name);
            }
            if (context.JsonPropertyInfo is null && Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
            {
                schema.Examples = [System.Text.Json.Nodes.JsonNode.Parse(example)!];
            }
            var declared = context.JsonPropertyInfo?.PropertyType ?? context.JsonTypeInfo.Type;
            if ((Nullable.GetUnderlyingType(declared) ?? declared) == typeof(decimal))
            {
                var nullable = Nullable.GetUnderlyingType(declared) is not null || schema.Type?.HasFlag(JsonSchemaType.Null) == true;
                schema.Type = JsonSchemaType.String | (nullable ? JsonSchemaType.Null : 0);
                schema.Format = "decimal";
                schema.Pattern = "^-?[0-9]+(\\.[0-9]+)?$";
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>An example of each main request body, as an integrator would send it.</summary>
    private static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(Orders.OrderRequest)] = """
            {"id":"8212345678901234","visitor":"0190c3e5a1b27c9d8e4f5a6b7c8d9e0f","clickId":null,"at":"2026-11-02T14:03:10Z","currency":"EUR","deliveryCountry":"DE",
             "lines":[{"id":"1","productId":"1005006041234567","category":"Mobile phone accessories","store":"912345","price":"12.90","quantity":2,
                       "affiliated":true,"sellerRate":null,"virtual":false,"section":null,"sellerOrigin":"CN"}]}
            """,
        [typeof(Orders.EventRequest)] = """{"id":"8212345678901234-refund-1","order":"8212345678901234","type":"refunded","at":"2026-11-20T09:00:00Z","line":"1","amount":"12.90"}""",
        [typeof(Orders.TouchRequest)] = """{"id":"mail-2026-11-02-77","visitor":"0190c3e5a1b27c9d8e4f5a6b7c8d9e0f","at":"2026-11-02T13:55:00Z","channel":"email"}""",
        [typeof(LinkCreateRequest)] = """{"program":"aliexpress-ww","destination":"https://www.aliexpress.com/item/1005006041234567.html","sub1":"phone-cases-review","sub2":null,"sub3":null,"sub4":null,"sub5":null}""",
        [typeof(ClaimFileRequest)] = """{"program":"aliexpress-ww","orderId":"8212345678901234","orderDate":"2026-11-02","amount":"25.80","currency":"EUR","comment":"Bought through my link from the review page"}""",
        [typeof(PayoutDetailsRequest)] = """
            {"method":"sepa","holder":"Anna Schmidt","iban":"DE89370400440532013000","bic":"COBADEFFXXX","account":null,"bankName":"Commerzbank","swift":null,
             "bankAddress":null,"currency":"EUR","address":{"street":"Hauptstraße 1","postalCode":"10115","city":"Berlin","country":"DE"},"vatId":"DE123456789"}
            """,
        [typeof(PostbackRequest)] = """{"url":"https://tracker.example/pb?cid={click_id}&status={status}&payout={commission}","method":"GET","events":["created","confirmed","declined"],"program":null}""",
    };

    private static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["tracking"] = "The public redirect: links and product links of feeds",
        ["marketplace"] = "The marketplace's side: orders, events, its own paid touches, its catalog (a marketplace key)",
        ["publisher"] = "A publisher's side: links, commissions, reports, balance, payouts, feeds, claims (a publisher key)",
        ["operator"] = "The program's operators: programs, publishers, keys, reports, payouts, claims (an operator key)",
        ["catalog"] = "Products, feeds, best sellers, banned keywords and non-paying stores",
        ["fraud"] = "Findings about invalid traffic and their evidence",
        ["payouts"] = "Payout runs, bank files, statements, payout details and adjustments",
        ["postbacks"] = "Server-to-server postbacks to a publisher's tracker",
        ["webhooks"] = "The operator's webhooks",
        ["support"] = "Support threads between a publisher and the program's team, with files",
        ["health"] = "Liveness",
    };

    /// <summary>Summaries of the reads and small writes whose endpoints carry none of their own.</summary>
    private static readonly Dictionary<string, string> Summaries = new(StringComparer.Ordinal)
    {
        ["GET healthz"] = "Liveness: answers ok when the store answers",
        ["GET api/v1/links/{code}"] = "One of the publisher's links with its tracking URL",
        ["GET api/v1/commissions/{orderId}"] = "One commission with its lines, reason codes and rate traces",
        ["GET api/v1/balance"] = "The publisher's balances per currency: pending, confirmed, payable, paid",
        ["GET api/v1/balance/history"] = "The publisher's ledger transfers, oldest first (limit, offset)",
        ["GET api/v1/operator/programs"] = "The programs with their current definitions",
        ["GET api/v1/operator/programs/{id}"] = "One program's definition",
        ["GET api/v1/operator/publishers"] = "The publishers",
        ["GET api/v1/operator/publishers/{id}"] = "One publisher",
        ["PUT api/v1/operator/publishers/{id}"] = "Change a publisher's traffic type or ranking",
        ["POST api/v1/operator/keys"] = "Create an API key (marketplace, publisher or operator); the key is shown once",
        ["GET api/v1/operator/orders/{id}"] = "One order with its attribution, lines, rate traces and events",
        ["GET api/v1/feeds"] = "The publisher's product feeds",
        ["GET api/v1/feeds/{feed}"] = "One product feed with its URLs",
        ["GET api/v1/claims"] = "The publisher's missing-order claims",
        ["DELETE api/v1/operator/banned_keywords/{keyword}"] = "Remove a banned keyword",
        ["GET api/v1/operator/claims"] = "Missing-order claims to decide",
        ["GET api/v1/operator/claims/{id}"] = "One claim with the order it names",
        ["GET api/v1/operator/fraud/findings/{id}"] = "One fraud finding with its evidence",
        ["GET api/v1/fraud/findings/{id}"] = "One finding about the publisher's traffic, with its evidence",
        ["GET api/v1/operator/payouts/{run}/statements/{publisher}.csv"] = "A publisher's statement of the run, CSV",
        ["GET api/v1/operator/payouts/{run}/statements/{publisher}.pdf"] = "A publisher's statement of the run, PDF",
        ["GET api/v1/operator/publishers/{id}/adjustments"] = "A publisher's manual adjustments",
        ["GET api/v1/payouts/{run}/statement.csv"] = "The publisher's statement of a run, CSV",
        ["GET api/v1/payouts/{run}/statement.pdf"] = "The publisher's statement of a run, PDF",
        ["GET api/v1/payout_details"] = "The publisher's payout details and whether they are complete",
        ["DELETE api/v1/postbacks"] = "Remove a postback",
        ["DELETE api/v1/operator/webhooks"] = "Remove a webhook",
        ["POST api/v1/operator/webhooks/secret/rotate"] = "A new webhook signing secret; the previous one stays valid until the next rotation",
        ["POST api/v1/operator/webhooks/test"] = "Send a test webhook to each webhook",
        ["GET api/v1/operator/webhooks/deliveries"] = "The webhook delivery log, newest first",
        ["POST api/v1/operator/webhooks/deliveries/{delivery}/redeliver"] = "Send a webhook delivery again now",
    };

    private static bool MayBeNull(IOpenApiSchema schema) =>
        schema.Type is { } type && type.HasFlag(JsonSchemaType.Null) || schema.OneOf?.Any(o => o.Type == JsonSchemaType.Null) == true
        || schema.AnyOf?.Any(o => o.Type == JsonSchemaType.Null) == true;

    private static OpenApiSchema Schema(QueryParameter p)
    {
        var schema = new OpenApiSchema
        {
            Type = p.Type switch { "integer" => JsonSchemaType.Integer, "boolean" => JsonSchemaType.Boolean, _ => JsonSchemaType.String },
            Format = p.Format,
        };
        if (p.Values is { } values) schema.Enum = [.. values.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v))];
        return schema;
    }

    /// <summary>"POST api/v1/marketplace/orders" → "postMarketplaceOrders": unique as method and path are.</summary>
    internal static string OperationId(string method, string path)
    {
        var id = new StringBuilder(method.ToLowerInvariant());
        foreach (var word in path.Split(['/', '{', '}', '.', '_', '-', ':'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (word is "api" or "v1" || (word.All(char.IsAsciiLetterLower) && path.Contains($":{word}", StringComparison.Ordinal))) continue;
            id.Append(char.ToUpper(word[0], CultureInfo.InvariantCulture)).Append(word.AsSpan(1));
        }
        return id.ToString();
    }
}
