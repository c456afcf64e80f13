using System.Xml.Linq;
using LastClick.Common;
using LastClick.Data;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace LastClick.Web;

/// <summary>
/// The Data Protection key ring (what protects the sign-in, antiforgery and flash cookies) kept in the store, so every
/// node sharing the store reads the same keys — a cookie made by one node is read by the others — and a restart keeps
/// everyone signed in. ASP.NET's default (a folder in the user's home, or memory) would sign people out on every
/// restart or on every other node.
/// </summary>
public sealed class StoreKeyRing(Store store, TimeProvider clock) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() =>
        store.Read(s => s.Query<string>("SELECT xml FROM data_protection_keys ORDER BY name")).Select(x => XElement.Parse(x)).ToList();

    public void StoreElement(XElement element, string friendlyName) => store.InSession(s => s.Execute(
        "INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@friendlyName, @xml, @at) ON CONFLICT (name) DO NOTHING",
        new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), at = Times.ToMicros(clock.GetUtcNow()) }));
}
