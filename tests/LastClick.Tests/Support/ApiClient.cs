using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace LastClick.Tests.Support;

/// <summary>Calls the API as one key: JSON bodies in, responses (or their JSON) out.</summary>
public sealed class ApiClient(HttpClient http, string key)
{
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await http.SendAsync(request);
    }

    /// <summary>The status and the JSON body (an empty object when the body is not JSON).</summary>
    public async Task<(int Status, JsonElement Json)> JsonAsync(HttpMethod method, string path, string? json = null)
    {
        using var response = await SendAsync(method, path, json);
        var body = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, body.Length > 0 && body[0] is '{' or '[' ? JsonDocument.Parse(body).RootElement.Clone() : JsonDocument.Parse("{}").RootElement.Clone());
    }

    public Task<(int Status, JsonElement Json)> GetAsync(string path) => JsonAsync(HttpMethod.Get, path);

    public Task<(int Status, JsonElement Json)> PostAsync(string path, string json = "{}") => JsonAsync(HttpMethod.Post, path, json);

    public Task<(int Status, JsonElement Json)> PutAsync(string path, string json) => JsonAsync(HttpMethod.Put, path, json);

    /// <summary>The bytes of a download, with its media type and entity tag.</summary>
    public async Task<(int Status, byte[] Bytes, string? Media, string? ETag)> BytesAsync(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path);
        return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.MediaType, response.Headers.ETag?.Tag);
    }
}
