// The baseline of bench/redirect.sh: a bare ASP.NET Core app that answers the same 302 with the same cookie as
// `lastclick serve`'s /go/{code}, without looking anything up or storing anything.
using Microsoft.AspNetCore.Http;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapGet("/go/{code}", (string code, HttpContext http) =>
{
    var visitor = http.Request.Cookies["lc_vid"] ?? Guid.CreateVersion7().ToString("N");
    http.Response.Cookies.Append("lc_vid", visitor, new CookieOptions { MaxAge = TimeSpan.FromDays(3), HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
    http.Response.Headers.CacheControl = "no-store";
    return Results.Redirect($"https://www.aliexpress.com/item/1005001.html?lc_click={Guid.CreateVersion7():N}");
});
app.MapGet("/healthz", () => "ok");
app.Run();
